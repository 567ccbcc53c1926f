import Foundation
import HookQueue
import Logging
import PostgresNIO
import Synchronization

/// The shared dispatch queue: tables in a PostgreSQL database, reached through postgres-nio's connection pool, so
/// workers on several hosts drain one queue.
///
/// Every write is one transaction (a single statement where one suffices, which PostgreSQL commits on its own), and
/// returns after the commit; with the server's default `synchronous_commit = on` that is once the WAL is flushed.
/// Claims take rows with `FOR UPDATE SKIP LOCKED`, so concurrent workers never wait for each other's rows. Every
/// operation that makes work notifies the channel ``notificationChannel`` in its transaction (delivered on commit),
/// and each handle listens on it, so ``waitForWork(timeout:)`` returns when any process enqueues.
///
/// Opening a handle migrates the schema (``SchemaMigrator``: versioned, under an advisory lock, so hosts starting at
/// once migrate exactly once). The semantics are those of ``TransferQueue``; docs/queue.md describes them and the
/// schema. Close the handle with ``close()``.
public final class PostgresTransferQueue: TransferQueue {
    /// The channel every handle on this database (and schema) listens on.
    public let notificationChannel: String
    /// Where the queue is, without its password.
    public let configuration: PostgresQueueConfiguration

    let client: PostgresClient
    let clock: any QueueClock
    let policy: RetryPolicy
    /// Wakes this process's ``waitForWork(timeout:)`` callers: at once when this handle makes work, and from
    /// notifications when any process does.
    let workArrived: WorkSignal
    /// Shares claim rounds among one worker's concurrent callers (``ClaimRoundCombiner``).
    let claimRounds = ClaimRoundCombiner()
    private let runningClient: Task<Void, Never>
    private let listener: WakeUpListener
    private let closed = Mutex(false)

    /// Connects to the database of `configuration`, migrates it to the current schema (on a connection of its own,
    /// so an unreachable server fails here at once) and starts listening for work. Throws a ``PostgresQueueError``
    /// when the server cannot be reached or the migration fails.
    public init(
        configuration: PostgresQueueConfiguration, clock: any QueueClock = SystemQueueClock(),
        policy: RetryPolicy = .standard, logger: Logger? = nil
    ) async throws {
        let logger = logger ?? PostgresConnection.silent
        try await Self.withOwnConnection(configuration, logger: logger) { connection in
            try await SchemaMigrator.migrate(connection, schema: configuration.schema, now: Microseconds.of(clock.now()))
        }
        let client = PostgresClient(configuration: try configuration.clientConfiguration(), backgroundLogger: logger)
        let runningClient = Task { await client.run() }
        let channel = "hookrules_queue" + (configuration.schema.map { ".\($0)" } ?? "")
        let workArrived = WorkSignal()
        let listener: WakeUpListener
        do {
            listener = try await WakeUpListener(client: client, channel: channel, signal: workArrived)
        } catch {
            runningClient.cancel()
            await runningClient.value
            throw error
        }
        self.client = client
        self.runningClient = runningClient
        self.listener = listener
        self.workArrived = workArrived
        self.configuration = configuration
        self.notificationChannel = channel
        self.clock = clock
        self.policy = policy
    }

    /// Opens the queue at a connection URL (see ``PostgresQueueConfiguration/init(url:)``).
    public convenience init(
        url: String, clock: any QueueClock = SystemQueueClock(), policy: RetryPolicy = .standard, logger: Logger? = nil
    ) async throws {
        try await self.init(configuration: PostgresQueueConfiguration(url: url), clock: clock, policy: policy, logger: logger)
    }

    public func close() async throws {
        let alreadyClosed = closed.withLock { closed in
            defer { closed = true }
            return closed
        }
        guard !alreadyClosed else { return }
        // Cancelling `run()` closes the pool and its connections. It waits for connections still leased, and a caller
        // that gave up on a statement (a worker's timeout in an outage) may have left one leased to a connection that
        // never answers: closing waits a few seconds at most, then leaves the pool to end with the process.
        let (listener, running) = (listener, runningClient)
        try? await withDeadline(.now + Self.closeTimeout, "the pool did not shut down") {
            await listener.stop()
            running.cancel()
            await running.value
        }
        running.cancel()
    }

    /// How long ``close()`` waits for the pool's connections to close.
    static let closeTimeout: Duration = .seconds(5)

    deinit {
        runningClient.cancel()
    }

    /// Connects to the server outside the pool and runs `SELECT 1`. While the server is away the pool keeps
    /// callers waiting for a connection (for up to a minute, then fails them with a generic error) and keeps the
    /// reason to itself; a connection of its own gets the server's answer, or the refusal, at once.
    public func probe() async throws {
        try await Self.withOwnConnection(configuration, logger: PostgresConnection.silent) { connection in
            try await connection.run("SELECT 1")
        }
    }

    /// Runs `body` on a connection to the server outside the pool, closed afterwards whether `body` succeeded or not;
    /// errors are ``PostgresQueueError``s.
    private static func withOwnConnection(
        _ configuration: PostgresQueueConfiguration, logger: Logger,
        _ body: (PostgresConnection) async throws -> Void
    ) async throws {
        try await PostgresQueueError.readable {
            let connection = try await PostgresConnection.connect(
                configuration: try configuration.connectionConfiguration(), id: 0, logger: logger)
            do {
                try await body(connection)
            } catch {
                try? await connection.close()
                throw error
            }
            try await connection.close()
        }
    }

    public func isOutage(_ error: any Error) -> Bool {
        (error as? PostgresQueueError)?.isOutage ?? false
    }

    public func waitForWork(timeout: Duration) async throws {
        await workArrived.wait(timeout: timeout)
    }

    /// Runs `body` in one transaction on a pooled connection, with the clock's time in microseconds read when the
    /// transaction begins; commits when it returns, rolls back when it throws. With `singleStatement`, `body` runs
    /// exactly one statement, which PostgreSQL commits on its own: no `BEGIN` and `COMMIT` round trips. A conflict
    /// with a concurrent transaction (a deadlock, or both making the same request pending) runs it all again.
    func write<T: Sendable>(
        singleStatement: Bool = false, _ body: (PostgresConnection, _ now: Int64) async throws -> T
    ) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await withConnection { connection in
                    if singleStatement { return try await body(connection, self.now()) }
                    return try await Transaction.run(on: connection) { try await body(connection, self.now()) }
                }
            } catch let error as PostgresQueueError where error.isTransientConflict && attempt < Self.conflictAttempts {
                attempt += 1
            }
        }
    }

    /// Runs `body` on a pooled connection outside any explicit transaction: each statement commits on its own.
    func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await PostgresQueueError.readable {
            try await client.withConnection { connection in try await body(connection) }
        }
    }

    /// `now` for a single statement.
    func now() -> Int64 { Microseconds.of(clock.now()) }

    /// How often a transaction runs before a conflict is reported: a conflict needs a concurrent transaction on the
    /// same rows, so a second run almost always succeeds.
    static let conflictAttempts = 5
}

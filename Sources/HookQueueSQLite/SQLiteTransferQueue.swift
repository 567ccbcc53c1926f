import Foundation
import GRDB
import HookQueue

/// The embedded dispatch queue: one SQLite file under a data folder, through GRDB.
///
/// The file is in WAL mode with `synchronous = FULL`, so a commit, and with it an ``enqueue(_:)``, returns only
/// once the WAL is on disk: an accepted request survives a crash or a power loss. Writers begin with
/// `BEGIN IMMEDIATE`, so several processes sharing the file queue for the write lock (up to the busy timeout)
/// instead of failing on a lock upgrade. Readers (``stats()``, ``list(state:limit:)``) do not block writers.
///
/// The semantics are those of ``TransferQueue``; docs/queue.md describes them and the schema.
public final class SQLiteTransferQueue: TransferQueue {
    /// The database file's name inside the data folder.
    public static let fileName = "queue.sqlite"

    let pool: DatabasePool
    let clock: any QueueClock
    let policy: RetryPolicy
    /// Wakes this process's ``waitForWork(timeout:)`` callers when this handle makes work.
    let workArrived = WorkSignal()

    /// The database file.
    public var path: String { pool.path }

    /// Opens (creating when missing) `folder/queue.sqlite` and migrates it to the current schema.
    /// - Parameters:
    ///   - busyTimeout: how long a write waits for another process's write lock before failing.
    public init(
        folder: URL, clock: any QueueClock = SystemQueueClock(), policy: RetryPolicy = .standard,
        busyTimeout: TimeInterval = 10
    ) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        pool = try DatabasePool(
            path: folder.appendingPathComponent(Self.fileName).path, configuration: configuration
        )
        self.clock = clock
        self.policy = policy
        try Self.makeCommitsDurable(pool)
        try MigrationLock.holding(in: folder) { try QueueSchema.migrator.migrate(pool) }
    }

    /// Sets `synchronous = FULL` on the pool's one writer connection, the only one that commits. It cannot go in
    /// `Configuration.prepareDatabase`: opening the pool switches the file to WAL after that and sets NORMAL, which
    /// may lose the last commits on a power loss.
    private static func makeCommitsDurable(_ pool: DatabasePool) throws {
        let synchronous = try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            return try Int.fetchOne(db, sql: "PRAGMA synchronous")
        }
        guard synchronous == 2 else {
            throw DatabaseError(message: "could not set synchronous = FULL (got \(synchronous.map(String.init) ?? "nothing"))")
        }
    }

    public func close() async throws {
        try pool.close()
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction with the clock's current time in microseconds, read once the
    /// write lock is held; commits when it returns, rolls back when it throws.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database, _ now: Int64) throws -> T) async throws -> T {
        try await pool.writeWithoutTransaction { [clock] db in
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(db, Microseconds.of(clock.now()))
                return .commit
            }
            guard let result else { preconditionFailure("a committed transaction always produced a result") }
            return result
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await pool.read(body)
    }
}

import Foundation
import HookQueuePostgres
import PostgresNIO

/// The PostgreSQL cases: ``PostgresTransferQueue`` beside plain statements through postgres-nio (``RawPostgres``) in
/// one database the run makes on the server and drops at the end, each case in schemas of its own.
struct PostgresBenchmark: BenchmarkBackend {
    /// The URL's database, where the run's database is made and dropped.
    let server: PostgresQueueConfiguration
    let database: PostgresQueueConfiguration
    let summary: String

    init(url: String) async throws {
        server = try PostgresQueueConfiguration(url: url)
        database = server.with(database: "hookrules_bench_" + UUID().uuidString.lowercased().filter { $0 != "-" })
        let settings = try await Self.withConnection(to: server) { [database] connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(database.database)"), logger: RawPostgres.logger)
            return try await connection.query("""
                SELECT current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit')
                """, logger: RawPostgres.logger).collect().first?.decode((String, String, String).self)
        }
        let (version, fsync, synchronousCommit) = settings ?? ("?", "?", "?")
        summary = "PostgreSQL \(version) at \(server.host):\(server.port) (fsync=\(fsync), synchronous_commit=\(synchronousCommit)); database \(database.database), dropped at the end"
    }

    var notes: String {
        """
        queue workers are tasks sharing one PostgresTransferQueue (its pool); raw workers are tasks with a connection each
        "slots of one worker": the queue's tasks claim under one worker id, as `hookrules work --concurrency 4` does; the queue shares such callers' claim rounds (one statement for several turns)
        \(RawPostgres.Loop.claimThenDelete.description)
        \(RawPostgres.Loop.deleteAsClaim.description) ("vs delete as claim" rows)
        """
    }

    func queueEnqueue(storage: String, batch: Int, shape: BenchmarkRequests.Shape, seconds: Double) async throws -> Rate {
        try await withQueue(storage) { try await QueueSide.enqueue($0, batch: batch, shape: shape, seconds: seconds) }
    }

    func rawEnqueue(storage: String, batch: Int, shape: BenchmarkRequests.Shape, seconds: Double) async throws -> Rate {
        let raw = RawPostgres(schema: "raw_\(storage)")
        return try await Self.withConnection(to: database) { connection in
            try await raw.createTable(on: connection, forClaims: false)
            return try await Rate.batches(of: batch, for: seconds) { first in
                try await raw.insert(first: first, count: batch, shape, on: connection)
            }
        }
    }

    func queueClaimAndAck(storage: String, items: Int, workers: Int, batch: Int, oneWorker: Bool) async throws -> Rate {
        try await withQueue(storage) {
            try await QueueSide.claimAndAck($0, items: items, workers: workers, batch: batch, oneWorker: oneWorker)
        }
    }

    /// Fills the table with `items` rows, then times `workers` tasks, each on its own connection (as separate worker
    /// processes would have), running the claim/delete loop until the table is empty: once for each of
    /// ``RawPostgres/Loop``'s shapes, the reference first.
    func rawClaimAndDelete(storage: String, items: Int, workers: Int, batch: Int) async throws -> [ReferenceRate] {
        var rates: [ReferenceRate] = []
        for loop in RawPostgres.Loop.allCases {
            let raw = RawPostgres(schema: "raw_\(storage)_\(loop)".lowercased())
            try await Self.withConnection(to: database) { connection in
                try await raw.createTable(on: connection, forClaims: true)
                for start in stride(from: 0, to: items, by: 1000) {
                    try await raw.insert(first: start, count: min(1000, items - start), .ordered, on: connection)
                }
                // Statistics for the full table, so that no claim is planned as if it were empty (the queue guards
                // against that plan with `enable_sort = off`; the plain reference gets fresh statistics instead).
                try await connection.query(PostgresQuery(unsafeSQL: "ANALYZE \(raw.schema).job"), logger: RawPostgres.logger)
            }
            // Connected before the clock starts (the queue's pool may still open some inside it): connecting takes a
            // noticeable part of a short run, and the reference is to be favoured, not handicapped.
            var connections: [PostgresConnection] = []
            for _ in 0..<workers { connections.append(try await Self.connect(to: database)) }
            let rate: Rate
            do {
                rate = try await Rate.measure {
                    try await withThrowingTaskGroup(of: Int.self) { group in
                        for (worker, connection) in connections.enumerated() {
                            group.addTask {
                                try await raw.drain(batch: batch, loop: loop, worker: "worker-\(worker)", on: connection)
                            }
                        }
                        return try await group.reduce(0, +)
                    }
                }
                for connection in connections { try await connection.close() }
            } catch {
                for connection in connections { try? await connection.close() }
                throw error
            }
            guard rate.items == items else { throw QueueBenchmarkFailure("drained \(rate.items) of \(items) rows") }
            rates.append(ReferenceRate(name: loop == .claimThenDelete ? nil : "delete as claim", rate: rate))
        }
        return rates
    }

    func removeStorage() async throws {
        try await Self.withConnection(to: server) { [database] connection in
            _ = try await connection.query(
                PostgresQuery(unsafeSQL: "DROP DATABASE \(database.database) WITH (FORCE)"), logger: RawPostgres.logger)
        }
    }

    /// A queue with default settings in the schema `queue_STORAGE`, closed after `body`.
    private func withQueue(_ storage: String, _ body: (PostgresTransferQueue) async throws -> Rate) async throws -> Rate {
        var configuration = database
        configuration.schema = "queue_\(storage)"
        let queue = try await PostgresTransferQueue(configuration: configuration)
        do {
            let rate = try await body(queue)
            try await queue.close()
            return rate
        } catch {
            try? await queue.close()
            throw error
        }
    }

    private static func withConnection<T>(
        to configuration: PostgresQueueConfiguration, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await connect(to: configuration)
        do {
            let result = try await body(connection)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    private static func connect(to configuration: PostgresQueueConfiguration) async throws -> PostgresConnection {
        try await PostgresConnection.connect(
            configuration: PostgresConnection.Configuration(
                host: configuration.host, port: configuration.port, username: configuration.username,
                password: configuration.password, database: configuration.database,
                tls: configuration.tls == .disable ? .disable : .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            ),
            id: 0, logger: RawPostgres.logger
        )
    }
}

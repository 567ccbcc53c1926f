import Foundation
import HookQueue
import HookQueuePostgres
import Logging
import PostgresNIO
import Testing

extension QueueBackend {
    static let postgres = QueueBackend(name: "PostgreSQL") { try await PostgresStore() }
}

/// A fresh database of its own on the test server, dropped when the test ends.
struct PostgresStore: QueueStore {
    let configuration: PostgresQueueConfiguration

    init() async throws {
        let server = try TestPostgresServer.configuration()
        configuration = server.with(database: "hookrules_test_" + UUID().uuidString.lowercased().filter { $0 != "-" })
        try await TestPostgresServer.withConnection(to: server) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(configuration.database)"), logger: TestPostgresServer.logger)
        }
    }

    func open(clock: any QueueClock, policy: RetryPolicy) async throws -> any TransferQueue {
        try await PostgresTransferQueue(configuration: configuration, clock: clock, policy: policy)
    }

    func remove() async throws {
        try await TestPostgresServer.withConnection(to: TestPostgresServer.configuration()) { connection in
            // FORCE: a handle a failed test left open must not keep the database alive.
            try await connection.query(
                PostgresQuery(unsafeSQL: "DROP DATABASE \(configuration.database) WITH (FORCE)"), logger: TestPostgresServer.logger)
        }
    }
}

/// The server the PostgreSQL cases run on: `HOOKRULES_TEST_POSTGRES_URL` (scripts/postgres-test-cluster.sh starts
/// one and prints it; scripts/test.sh does both).
enum TestPostgresServer {
    static let variable = "HOOKRULES_TEST_POSTGRES_URL"
    static let logger = Logger(label: "hookrules.tests.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    /// The server's configuration. Without the variable, a PostgreSQL case fails in CI (`CI=true`: it must never be
    /// skipped silently there) and is skipped elsewhere, saying how to run it.
    static func configuration() throws -> PostgresQueueConfiguration {
        let environment = ProcessInfo.processInfo.environment
        guard let url = environment[variable], !url.isEmpty else {
            let howTo = "start a server with `eval \"$(scripts/postgres-test-cluster.sh start --no-fsync)\"` or run scripts/test.sh"
            if environment["CI"] == "true" {
                throw PostgresQueueError(message: "\(variable) is not set in CI; \(howTo)")
            }
            // A warning is printed and does not fail the run; the cancelled case counts as skipped.
            let message: Comment = "PostgreSQL case skipped: \(variable) is not set; \(howTo)"
            Issue.record(message, severity: .warning)
            try Test.cancel(message)
        }
        return try PostgresQueueConfiguration(url: url)
    }

    /// Runs `body` on a plain connection (not a queue's) to the database of `server`: the URL's own database for
    /// creating and dropping test databases, or a test's database to look at it directly.
    static func withConnection<T>(
        to server: PostgresQueueConfiguration, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await PostgresConnection.connect(
            configuration: PostgresConnection.Configuration(
                host: server.host, port: server.port, username: server.username, password: server.password,
                database: server.database, tls: .disable
            ),
            id: 0, logger: logger
        )
        let result: T
        do {
            result = try await body(connection)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
        return result
    }
}

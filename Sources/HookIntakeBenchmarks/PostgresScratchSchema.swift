import Foundation
import HookQueuePostgres
import Logging
import PostgresNIO

/// A fresh schema for `serve`'s queue in the database a `--postgres` URL names (serve creates it when it opens the
/// queue), dropped at the end; and the server's settings that decide what a commit costs.
struct PostgresScratchSchema {
    let server: PostgresQueueConfiguration
    let schema: String
    /// The URL `serve --queue` gets: the given one with `schema=`.
    let queueURL: String
    let summary: String

    init(url: String) async throws {
        server = try PostgresQueueConfiguration(url: url)
        guard server.schema == nil else { throw BenchmarkFailure("--postgres: give a URL without schema=; the run makes its own") }
        schema = "intake_bench_" + UUID().uuidString.lowercased().filter { $0 != "-" }.prefix(12)
        queueURL = url + (url.contains("?") ? "&" : "?") + "schema=\(schema)"
        let settings = try await Self.withConnection(to: server) { connection in
            try await connection.query("""
                SELECT current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit')
                """, logger: Self.logger).collect().first?.decode((String, String, String).self)
        }
        let (version, fsync, synchronousCommit) = settings ?? ("?", "?", "?")
        summary = "PostgreSQL \(version) at \(server.host):\(server.port) (fsync=\(fsync), synchronous_commit=\(synchronousCommit)); schema \(schema), dropped at the end"
    }

    func drop() async throws {
        try await Self.withConnection(to: server) { [schema] connection in
            _ = try await connection.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(schema) CASCADE"), logger: Self.logger)
        }
    }

    private static let logger = Logger(label: "hookrules-intake-bench")

    private static func withConnection<T>(
        to configuration: PostgresQueueConfiguration, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await PostgresConnection.connect(
            configuration: PostgresConnection.Configuration(
                host: configuration.host, port: configuration.port, username: configuration.username,
                password: configuration.password, database: configuration.database,
                tls: configuration.tls == .disable ? .disable : .require(try NIOSSLContext(configuration: .makeClientConfiguration()))),
            id: 0, logger: logger)
        do {
            let result = try await body(connection)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

import Foundation
import Testing

/// A PostgreSQL server a fault test owns: started with `scripts/postgres-test-cluster.sh start` in a folder
/// of its own, so stopping and restarting it disturbs no other suite (they share the server `scripts/test.sh` starts),
/// and removed when the test ends.
///
/// Where the shared server is missing (a plain `swift test`), so is this one: the case fails in CI (`CI=true`) and is
/// skipped elsewhere with a warning, as every PostgreSQL case is.
struct OwnPostgresCluster {
    /// `postgres://hookrules@127.0.0.1:PORT/hookrules`.
    let url: String
    /// The cluster's folder (data, socket, log).
    let folder: String

    static let script = CommandRunner.repository.appendingPathComponent("scripts/postgres-test-cluster.sh").path

    static func start() throws -> OwnPostgresCluster {
        let environment = ProcessInfo.processInfo.environment
        guard environment["HOOKRULES_TEST_POSTGRES_URL"]?.isEmpty == false else {
            let message: Comment = "PostgreSQL fault test skipped: no test server (HOOKRULES_TEST_POSTGRES_URL); run scripts/test.sh"
            if environment["CI"] == "true" { throw ToolRunner.ToolError(message: "\(message)") }
            Issue.record(message, severity: .warning)
            try Test.cancel(message)
        }
        // Durable (no --no-fsync): an immediate stop is a crash, and with synchronous commits off the server loses
        // its last commits in it (claims and completions came back; a fresh database lost its tables).
        let exports = try run(["start"])
        func value(_ name: String) throws -> String {
            guard let line = exports.split(separator: "\n").first(where: { $0.hasPrefix("export \(name)=") }) else {
                throw ToolRunner.ToolError(message: "the script printed no \(name): \(exports)")
            }
            return String(line.dropFirst("export \(name)=".count))
        }
        return OwnPostgresCluster(url: try value("HOOKRULES_TEST_POSTGRES_URL"), folder: try value("HOOKRULES_TEST_POSTGRES_DIR"))
    }

    enum StopMode: String {
        case fast, immediate
    }

    /// Stops the server (`pg_ctl stop -m MODE`), keeping its data and port.
    func pause(_ mode: StopMode) throws { try Self.run(["pause", folder, mode.rawValue]) }

    /// Starts the paused server again.
    func resume() throws { try Self.run(["resume", folder]) }

    func restart(_ mode: StopMode) throws { try Self.run(["restart", folder, mode.rawValue]) }

    /// Stops the server and removes its folder.
    func remove() {
        _ = try? Self.run(["stop", folder])
    }

    /// Runs one statement with `psql`; returns the rows, columns joined by `|`.
    func psql(_ sql: String) throws -> [String] {
        try ToolRunner.psql(url, sql)
    }

    @discardableResult
    private static func run(_ arguments: [String]) throws -> String {
        try ToolRunner.run(script, arguments)
    }
}

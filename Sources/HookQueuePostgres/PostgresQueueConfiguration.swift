import Foundation
import HookQueue
import PostgresNIO

/// Where the PostgreSQL queue lives and how to reach it.
///
/// Build it field by field, or from a connection URL with ``init(url:)``:
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME&sslmode=disable|prefer|require]`.
public struct PostgresQueueConfiguration: Sendable, Hashable {
    /// Whether the connection is encrypted.
    public enum TLSMode: String, Sendable, Hashable {
        /// Plain TCP: for loopback and private networks you trust.
        case disable
        /// TLS when the server offers it, plain otherwise (no protection against an active attacker).
        case prefer
        /// TLS with the server's certificate verified against the system's trust roots.
        case require
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    /// The schema holding the queue's tables, created when missing; nil means the server's default search path
    /// (normally `public`). Several queues can share one database in different schemas.
    public var schema: String?
    public var tls: TLSMode
    /// Connections the queue's pool may open. One is held for LISTEN; the others serve the queue's operations, so
    /// more workers sharing one queue than this minus one wait for a connection.
    public var maximumConnections: Int

    /// - Parameters:
    ///   - tls: by default off for a loopback host and required for any other.
    public init(
        host: String, port: Int = 5432, username: String, password: String? = nil, database: String,
        schema: String? = nil, tls: TLSMode? = nil, maximumConnections: Int = 10
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.schema = schema
        self.tls = tls ?? (Self.isLoopback(host) ? .disable : .require)
        self.maximumConnections = maximumConnections
    }

    /// Parses `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME&sslmode=disable|prefer|require]`
    /// (`postgresql://` too). User and password may be percent-encoded. Without `sslmode`, TLS is off for a loopback
    /// host and required otherwise.
    public init(url text: String) throws {
        guard let url = URLComponents(string: text), ["postgres", "postgresql"].contains(url.scheme ?? "") else {
            throw TransferQueueError.invalidArgument("not a postgres:// URL: \(Self.redacted(text))")
        }
        guard let host = url.host, !host.isEmpty else {
            throw TransferQueueError.invalidArgument("the URL names no host: \(Self.redacted(text))")
        }
        guard let user = url.user, !user.isEmpty else {
            throw TransferQueueError.invalidArgument("the URL names no user: \(Self.redacted(text))")
        }
        let database = String(url.path.drop { $0 == "/" })
        guard !database.isEmpty else {
            throw TransferQueueError.invalidArgument("the URL names no database: \(Self.redacted(text))")
        }
        var schema: String?
        var tls: TLSMode?
        for item in url.queryItems ?? [] {
            switch item.name {
            case "schema": schema = item.value
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw TransferQueueError.invalidArgument("sslmode must be disable, prefer or require")
                }
                tls = mode
            default:
                throw TransferQueueError.invalidArgument("unknown URL parameter \(item.name) (schema and sslmode are known)")
            }
        }
        self.init(
            host: host, port: url.port ?? 5432, username: user, password: url.password, database: database,
            schema: schema, tls: tls
        )
    }

    /// The URL without its password, for messages and logs.
    public var redactedURL: String {
        var query: [String] = []
        if let schema { query.append("schema=\(schema)") }
        query.append("sslmode=\(tls.rawValue)")
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(username)@\(hostPart):\(port)/\(database)?" + query.joined(separator: "&")
    }

    /// The same server and credentials, another database (the tests make one per test).
    public func with(database: String) -> PostgresQueueConfiguration {
        var copy = self
        copy.database = database
        return copy
    }

    /// The client configuration for postgres-nio; checks the schema name, which goes into the search path.
    func clientConfiguration() throws -> PostgresClient.Configuration {
        guard maximumConnections >= 2 else {
            throw TransferQueueError.invalidArgument("maximumConnections \(maximumConnections) is below 2 (one listens)")
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database,
            tls: try clientTLS()
        )
        configuration.options.maximumConnections = maximumConnections
        configuration.options.additionalStartupParameters = try startupParameters()
        return configuration
    }

    /// A single connection's configuration, for the migration every handle runs first: a server that cannot be
    /// reached fails the opening at once, where the pool would keep retrying in the background.
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let client = try clientConfiguration()
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database,
            tls: try connectionTLS()
        )
        configuration.options.additionalStartupParameters = client.options.additionalStartupParameters
        return configuration
    }

    /// Settings every queue connection starts with.
    ///
    /// `enable_sort` off: every statement of the queue is written to read an index in the order it needs, and a claim
    /// must read `queue_item_ready` in order and stop after its limit. When the table's statistics lag behind it (a
    /// fresh table, a bulk import before autovacuum analyses it), the planner underestimates the pending rows and
    /// prefers to fetch them all and sort them for every claim, which on a long queue is far more work than the claim.
    /// Off only penalises a sort; one that has no alternative (the stats' GROUP BY) still runs.
    /// `search_path`: the queue's schema first, so no statement names it.
    private func startupParameters() throws -> [(String, String)] {
        var parameters = [("enable_sort", "off")]
        if let schema {
            try Self.checkIdentifier(schema)
            parameters.append(("search_path", schema))
        }
        return parameters
    }

    private func connectionTLS() throws -> PostgresConnection.Configuration.TLS {
        switch tls {
        case .disable: .disable
        case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
    }

    private func clientTLS() throws -> PostgresClient.Configuration.TLS {
        switch tls {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
    }

    /// Schema names go into the search path and a `CREATE SCHEMA`: only plain lower-case identifiers, so neither
    /// needs quoting.
    static func checkIdentifier(_ name: String) throws {
        let valid = (1...63).contains(name.utf8.count)
            && name.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || $0 == UInt8(ascii: "_")
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
            && !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(name.utf8.first!)
        guard valid else {
            throw TransferQueueError.invalidArgument(
                "schema \(name) must be 1 to 63 characters of a-z, 0-9 and _, not starting with a digit")
        }
    }

    private static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    private static func redacted(_ text: String) -> String {
        guard var url = URLComponents(string: text), url.password != nil else { return text }
        url.password = "***"
        return url.string ?? text
    }
}

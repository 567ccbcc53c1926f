import _ConnectionPoolModule
import Foundation
import NIOCore
import NIOPosix
import PostgresNIO

/// A database error of the PostgreSQL queue, readable as it is: the server's message, SQLSTATE and detail, or what
/// went wrong with the connection.
///
/// postgres-nio's `PSQLError` prints only a generic text (so that errors shown to end users leak nothing); the queue's
/// errors go to operators, who need the server's message.
public struct PostgresQueueError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The server's message, or a description of the client-side failure.
    public var message: String
    /// The server's SQLSTATE (`23505` unique violation, `40P01` deadlock, …); nil for client-side failures.
    public var sqlState: String?
    /// The server's detail line, if it sent one.
    public var detail: String?
    /// The constraint a violation concerns, if any.
    public var constraint: String?
    /// The connection to the server was lost or could not be made (refused, reset, closed): no answer from the
    /// server says anything about the statement.
    public var connectionLost: Bool

    public init(
        message: String, sqlState: String? = nil, detail: String? = nil, constraint: String? = nil,
        connectionLost: Bool = false
    ) {
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.constraint = constraint
        self.connectionLost = connectionLost
    }

    /// The server's own message when there is one, also when postgres-nio wraps it in a client-side error (a
    /// connection the server closed carries the server's last message, "terminating connection due to
    /// administrator command", inside); else what failed on the client's side. postgres-nio's own description of
    /// an error is a fixed generic text, so nothing here ever prints an error of its as it is.
    init(_ error: PSQLError) {
        let lost = Self.connectionCodes.contains(error.code)
        if let server = error.serverInfo {
            self.init(
                message: server[.message] ?? "server error", sqlState: server[.sqlState], detail: server[.detail],
                constraint: server[.constraintName], connectionLost: lost
            )
        } else if let inner = error.underlying as? PSQLError {
            self.init(inner)
            connectionLost = connectionLost || lost
            if let what = Self.connectionFailures[error.code] { message = "\(what): \(message)" }
        } else {
            let what = Self.connectionFailures[error.code] ?? "\(error.code)"
            self.init(message: error.underlying.map { "\(what): \(Self.describe($0))" } ?? what, connectionLost: lost)
        }
    }

    /// postgres-nio's pool's own errors, which it throws as they are.
    init(_ error: ConnectionPoolError) {
        switch error {
        case .connectionCreationCircuitBreakerTripped:
            self.init(
                message: "no connection to the server could be made for a minute (the pool fails requests at once "
                    + "until one can)", connectionLost: true)
        case .poolShutdown: self.init(message: "the queue's connection pool is shut down")
        case .requestCancelled: self.init(message: "the request for a connection was cancelled")
        default: self.init(message: "connection pool: \(error)")
        }
    }

    private static let connectionFailures: [PSQLError.Code: String] = [
        .connectionError: "connection to the server failed",
        .serverClosedConnection: "the server closed the connection",
        .clientClosedConnection: "the connection was closed",
        .uncleanShutdown: "the connection ended without a proper shutdown",
    ]
    private static let connectionCodes = Set(connectionFailures.keys)

    /// An underlying error, readable: a failed connect as "HOST:PORT: the system's reason", an I/O error by its
    /// errno's text ("Connection reset by peer"); other errors describe themselves.
    private static func describe(_ error: any Error) -> String {
        switch error {
        case let error as PSQLError:
            return PostgresQueueError(error).message
        case let error as NIOConnectionError where error.dnsAError == nil && error.dnsAAAAError == nil:
            let reasons = error.connectionErrors.map { describe($0.error) }
            return "\(error.host):\(error.port): " + (reasons.isEmpty ? "no address to connect to" : reasons.joined(separator: "; "))
        case let error as IOError:
            return String(cString: strerror(error.errnoCode))
        default:
            return String(describing: error)
        }
    }

    public var description: String {
        var text = "PostgreSQL: \(message)"
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        if let detail { text += "; \(detail)" }
        return text
    }

    /// Whether the server is out of reach or out of resources for now rather than refusing the statement: the
    /// connection is lost or cannot be made; the server is shutting down, restarting or starting up (SQLSTATE class
    /// 08, 57P01–57P03); it lacks resources (class 53: disk full, out of memory, too many connections); a system
    /// or I/O error (class 58); or it is a read-only standby (25006, during a failover). The same statement may
    /// succeed later.
    public var isOutage: Bool {
        if connectionLost { return true }
        guard let sqlState else { return false }
        return sqlState.hasPrefix("08") || sqlState.hasPrefix("53") || sqlState.hasPrefix("58")
            || ["57P01", "57P02", "57P03", "25006"].contains(sqlState)
    }

    /// A conflict with a concurrent transaction that running the whole transaction again resolves: a deadlock, a
    /// serialization failure, or a request made pending by both sides at once (the pending key's unique index).
    var isTransientConflict: Bool {
        switch sqlState {
        case "40P01", "40001": true
        case "23505": constraint == "queue_item_pending_key"
        default: false
        }
    }

    /// Runs `body`, turning postgres-nio's errors into readable ones; the queue's own errors pass as they are.
    static func readable<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PSQLError {
            throw PostgresQueueError(error)
        } catch let error as ConnectionPoolError {
            throw PostgresQueueError(error)
        } catch let error as PostgresDecodingError {
            throw PostgresQueueError(
                message: "column \(error.columnName) (\(error.postgresType)) does not decode as \(error.targetType)")
        }
    }
}

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

    public init(message: String, sqlState: String? = nil, detail: String? = nil, constraint: String? = nil) {
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.constraint = constraint
    }

    init(_ error: PSQLError) {
        if let server = error.serverInfo {
            self.init(
                message: server[.message] ?? "server error", sqlState: server[.sqlState], detail: server[.detail],
                constraint: server[.constraintName]
            )
        } else if let underlying = error.underlying {
            self.init(message: "\(error.code): \(String(describing: underlying))")
        } else {
            self.init(message: "\(error.code)")
        }
    }

    public var description: String {
        var text = "PostgreSQL: \(message)"
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        if let detail { text += "; \(detail)" }
        return text
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
        } catch let error as PostgresDecodingError {
            throw PostgresQueueError(
                message: "column \(error.columnName) (\(error.postgresType)) does not decode as \(error.targetType)")
        }
    }
}

import Logging
import PostgresNIO

/// Running statements on a leased connection: every query the queue makes goes through these, rows decoded as they
/// arrive.
extension PostgresConnection {
    /// Runs `query` and discards whatever it returns.
    func run(_ query: PostgresQuery) async throws {
        for try await _ in try await self.query(query, logger: Self.silent) {}
    }

    /// Runs `query` and decodes each returned row with `decode`.
    func rows<T>(_ query: PostgresQuery, _ decode: (PostgresRow) throws -> T) async throws -> [T] {
        var decoded: [T] = []
        for try await row in try await self.query(query, logger: Self.silent) {
            decoded.append(try decode(row))
        }
        return decoded
    }

    /// postgres-nio logs every query at debug level or below; the queue reports its failures as errors instead.
    static let silent = Logger(label: "hookrules.queue.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
}

import HookQueue
import PostgresNIO

/// One `queue_item` row, decoded (the backend-neutral ``StoredQueueItem``). Every query that reads whole rows selects
/// ``StoredQueueItem/columns``.
typealias StoredItem = StoredQueueItem

extension PostgresConnection {
    /// Runs `query` and decodes every returned row as a whole queue row.
    func items(_ query: PostgresQuery) async throws -> [StoredItem] {
        var scopes = ScopeCache()
        return try await rows(query) { row in
            var reader = CellReader(cells: row.makeIterator())
            return try StoredItem(reading: &reader, scopes: &scopes)
        }
    }
}

/// Reads a row's cells in order, each decoded from PostgreSQL's binary format.
struct CellReader: StoredRowReader {
    var cells: PostgresRow.Iterator

    mutating func int64() throws -> Int64 { try next() }
    mutating func optionalInt64() throws -> Int64? { try next() }
    mutating func int() throws -> Int { try next() }
    mutating func bool() throws -> Bool { try next() }
    mutating func text() throws -> String { try next() }
    mutating func optionalText() throws -> String? { try next() }

    private mutating func next<T: PostgresDecodable>() throws -> T {
        guard let cell = cells.next() else {
            throw PostgresQueueError(message: "a queue row has fewer columns than the queue selects")
        }
        return try cell.decode(T.self)
    }
}

import GRDB
import HookQueue

/// One `queue_item` row, decoded (the backend-neutral ``StoredQueueItem``). Every query that reads whole rows selects
/// ``StoredQueueItem/columns``.
typealias StoredItem = StoredQueueItem

extension StoredQueueItem {
    /// Reads whole rows, straight off the statement (no copy of each row).
    static func fetchAll(_ db: Database, sql: String, arguments: StatementArguments) throws -> [StoredItem] {
        let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
        var scopes = ScopeCache()
        var items: [StoredItem] = []
        while let row = try rows.next() {
            var reader = ColumnReader(row: row)
            items.append(try StoredItem(reading: &reader, scopes: &scopes))
        }
        return items
    }
}

extension ClaimedRow {
    /// Reads the rows a claim returns, claimed by `worker` until `leaseExpiresAt`.
    static func fetchAll(
        _ db: Database, sql: String, arguments: StatementArguments, worker: String, leaseExpiresAt: Int64
    ) throws -> [ClaimedRow] {
        let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
        var scopes = ScopeCache()
        var claimed: [ClaimedRow] = []
        while let row = try rows.next() {
            var reader = ColumnReader(row: row)
            claimed.append(try ClaimedRow(reading: &reader, scopes: &scopes, worker: worker, leaseExpiresAt: leaseExpiresAt))
        }
        return claimed
    }
}

/// Reads a row's columns by position (GRDB's lookup by name searches the column names case-insensitively, which
/// costs more than the rest of a claim), through GRDB's fast path for column types SQLite decodes itself.
private struct ColumnReader: StoredRowReader {
    let row: Row
    var index = 0

    mutating func int64() -> Int64 { next() }
    mutating func optionalInt64() -> Int64? { nextOptional() }
    mutating func int() -> Int { next() }
    mutating func bool() -> Bool { next() }
    mutating func text() -> String { next() }
    mutating func optionalText() -> String? { nextOptional() }

    private mutating func next<T: DatabaseValueConvertible & StatementColumnConvertible>() -> T {
        defer { index += 1 }
        return row[index]
    }

    private mutating func nextOptional<T: DatabaseValueConvertible & StatementColumnConvertible>() -> T? {
        defer { index += 1 }
        return row[index]
    }
}

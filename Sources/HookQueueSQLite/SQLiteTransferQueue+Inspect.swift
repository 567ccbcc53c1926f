import GRDB
import HookQueue
import HookModel

/// Read-only views for the CLI and monitoring; they read a WAL snapshot and never block writers.
extension SQLiteTransferQueue {
    public func stats() async throws -> QueueStats {
        try await read { db in
            var stats = QueueStats()
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT state, scope, subscription, count(*) FROM queue_item GROUP BY state, scope, subscription"
            )
            for row in rows {
                let stateText: String = row[0]
                let scopeText: String = row[1]
                guard let state = QueueState(rawValue: stateText), let scope = Scope(scopeText) else {
                    throw TransferQueueError.corruptEntry(id: QueueItemID(0), reason: "group \(stateText) \(scopeText)")
                }
                stats.add(row[3], state: state, scope: scope, subscription: row[2])
            }
            return stats
        }
    }

    public func list(state: QueueState?, limit: Int) async throws -> [QueueEntry] {
        guard limit >= 1 else { throw TransferQueueError.invalidArgument("list limit \(limit) is below 1") }
        let sql = Self.listSQL(state: state)
        return try await read { db in
            try StoredItem.fetchAll(db, sql: sql, arguments: [limit]).map(\.entry)
        }
    }

    /// Pending rows in priority order (read straight off `queue_item_ready`), the others by id.
    static func listSQL(state: QueueState?) -> String {
        switch state {
        case nil: "SELECT \(StoredItem.columns) FROM queue_item ORDER BY id LIMIT ?"
        case .pending:
            "SELECT \(StoredItem.columns) FROM queue_item WHERE state = 'pending' ORDER BY debug DESC, due_at, id LIMIT ?"
        case let state?:
            "SELECT \(StoredItem.columns) FROM queue_item WHERE state = '\(state.rawValue)' ORDER BY id LIMIT ?"
        }
    }
}

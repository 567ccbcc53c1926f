import HookQueue
import HookModel
import PostgresNIO

/// Read-only views for the CLI and monitoring: plain reads, which see the last committed state and never block
/// writers.
extension PostgresTransferQueue {
    public func stats() async throws -> QueueStats {
        let groups = try await withConnection { connection in
            try await connection.rows(
                "SELECT state, scope, subscription, count(*) FROM queue_item GROUP BY state, scope, subscription"
            ) { try $0.decode((String, String, String, Int).self) }
        }
        var stats = QueueStats()
        for (stateText, scopeText, subscription, count) in groups {
            guard let state = QueueState(rawValue: stateText), let scope = Scope(scopeText) else {
                throw TransferQueueError.corruptEntry(id: QueueItemID(0), reason: "group \(stateText) \(scopeText)")
            }
            stats.add(count, state: state, scope: scope, subscription: subscription)
        }
        return stats
    }

    public func list(state: QueueState?, limit: Int) async throws -> [QueueEntry] {
        guard limit >= 1 else { throw TransferQueueError.invalidArgument("list limit \(limit) is below 1") }
        return try await withConnection { connection in
            try await connection.items(Self.listQuery(state: state, limit: limit)).map(\.entry)
        }
    }

    /// Pending rows in priority order (read straight off `queue_item_ready`), the others by id.
    static func listQuery(state: QueueState?, limit: Int) -> PostgresQuery {
        switch state {
        case nil:
            "SELECT \(unescaped: StoredItem.columns) FROM queue_item ORDER BY id LIMIT \(limit)"
        case .pending:
            """
            SELECT \(unescaped: StoredItem.columns) FROM queue_item WHERE state = 'pending'
            ORDER BY debug DESC, due_at, id LIMIT \(limit)
            """
        case let state?:
            """
            SELECT \(unescaped: StoredItem.columns) FROM queue_item WHERE state = \(state.rawValue)
            ORDER BY id LIMIT \(limit)
            """
        }
    }
}

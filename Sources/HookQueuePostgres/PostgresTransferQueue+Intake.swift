import Foundation
import HookModel
import HookQueue
import PostgresNIO

extension PostgresTransferQueue: HookIntakeStore {
    public func commit(_ records: [IntakeRecord], deliveryWindow: Duration) async throws -> [IntakeResult] {
        guard !records.isEmpty else { return [] }
        let window = Microseconds.of(deliveryWindow)
        let results = try await write { connection, now in
            try await IntakeGroupWrite(records: records, now: now, window: window, channel: self.notificationChannel)
                .apply(on: connection)
        }
        if results.contains(where: { if case .committed(let receipt) = $0 { receipt.ids.count > 0 } else { false } }) {
            workArrived.signal()
        }
        return results
    }

    public func keepRejected(_ hook: KeptHook, limits: KeptHookLimits) async throws {
        let maxAge = Microseconds.of(limits.maxAge)
        try await write { connection, now in
            try await KeptHookRow.insert(hook, on: connection)
            try await connection.run(
                "DELETE FROM kept_hook WHERE disposition = 'rejected' AND received_at < \(now - maxAge)")
            try await connection.run("""
                DELETE FROM kept_hook WHERE disposition = 'rejected' AND id NOT IN (
                    SELECT id FROM kept_hook WHERE disposition = 'rejected' ORDER BY received_at DESC LIMIT \(limits.maxRejected))
                """)
        }
    }

    public func keptHooks(_ disposition: KeptHook.Disposition?, limit: Int) async throws -> [KeptHook] {
        guard limit >= 1 else { throw TransferQueueError.invalidArgument("list limit \(limit) is below 1") }
        return try await withConnection { connection in
            if let disposition {
                return try await connection.rows("""
                    SELECT id, subscription, disposition, cause, received_at, method, target, headers, body FROM kept_hook
                    WHERE disposition = \(disposition.rawValue) ORDER BY received_at DESC, id LIMIT \(limit)
                    """, Self.keptHook)
            }
            return try await connection.rows("""
                SELECT id, subscription, disposition, cause, received_at, method, target, headers, body FROM kept_hook
                ORDER BY received_at DESC, id LIMIT \(limit)
                """, Self.keptHook)
        }
    }

    public func keptHook(id: String) async throws -> KeptHook? {
        try await withConnection { connection in
            try await connection.rows("""
                SELECT id, subscription, disposition, cause, received_at, method, target, headers, body FROM kept_hook
                WHERE id = \(id)
                """, Self.keptHook).first
        }
    }

    @discardableResult
    public func removeKeptHooks(ids: [String]) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await withConnection { connection in
            try await connection.rows("DELETE FROM kept_hook WHERE id = ANY(\(ids)) RETURNING id") { _ in () }.count
        }
    }

    @discardableResult
    public func forgetDeliveries(before date: Date) async throws -> Int {
        try await withConnection { connection in
            try await connection.rows(
                "DELETE FROM hook_delivery WHERE seen_at < \(Microseconds.of(date)) RETURNING 1"
            ) { _ in () }.count
        }
    }

    private static func keptHook(_ row: PostgresRow) throws -> KeptHook {
        let (id, subscription, dispositionText, cause, receivedAt, method, target, headers, body) = try row.decode(
            (String, String, String, String, Int64, String, String, String, ByteBuffer).self)
        guard let disposition = KeptHook.Disposition(rawValue: dispositionText) else {
            throw TransferQueueError.corruptEntry(id: QueueItemID(0), reason: "kept hook \(id): disposition \(dispositionText)")
        }
        return KeptHook(
            id: id, subscription: subscription, disposition: disposition, cause: cause,
            receivedAt: Microseconds.date(receivedAt), method: method, target: target,
            headers: try KeptHeaders.decode(headers, hook: id), body: Array(buffer: body))
    }
}

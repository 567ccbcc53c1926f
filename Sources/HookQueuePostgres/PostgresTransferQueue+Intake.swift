import Foundation
import HookModel
import HookQueue
import PostgresNIO

extension PostgresTransferQueue: HookIntakeStore {
    public func commit(_ records: [IntakeRecord], deliveryWindow: Duration) async throws -> [IntakeResult] {
        guard !records.isEmpty else { return [] }
        let window = Microseconds.of(deliveryWindow)
        let results = try await write { connection, now in
            var results: [IntakeResult] = []
            for record in records {
                results.append(try await self.commit(record, now: now, window: window, on: connection))
            }
            return results
        }
        if results.contains(where: { if case .committed(let receipt) = $0 { receipt.ids.count > 0 } else { false } }) {
            workArrived.signal()
        }
        return results
    }

    /// A concurrent transaction recording the same delivery makes this one wait for it, then see its row: the
    /// second of two servers receiving one redelivery at once finds it a duplicate.
    private func commit(
        _ record: IntakeRecord, now: Int64, window: Int64, on connection: PostgresConnection
    ) async throws -> IntakeResult {
        if let delivery = record.delivery {
            let recorded = try await connection.rows("""
                INSERT INTO hook_delivery (subscription, delivery, seen_at) VALUES (\(record.subscription), \(delivery), \(now))
                ON CONFLICT (subscription, delivery) DO UPDATE SET seen_at = excluded.seen_at
                    WHERE hook_delivery.seen_at <= \(now - window)
                RETURNING seen_at
                """) { try $0.decode(Int64.self) }
            if recorded.isEmpty {
                let seen = try await connection.rows(
                    "SELECT seen_at FROM hook_delivery WHERE subscription = \(record.subscription) AND delivery = \(delivery)"
                ) { try $0.decode(Int64.self) }.first ?? now
                return .duplicate(firstSeen: Microseconds.date(seen))
            }
        }
        var receipt = EnqueueReceipt(ids: [], inserted: 0, coalesced: 0)
        if !record.requests.isEmpty {
            let batch = EnqueueBatch(record.requests)
            var returned: [EnqueueUpsert.Returned] = []
            for chunk in batch.chunks(of: EnqueueUpsert.maxRows) {
                returned += try await EnqueueUpsert.apply(chunk, now: now, notifying: notificationChannel, on: connection)
            }
            receipt = try batch.receipt(returned)
        }
        if !record.resolves.isEmpty {
            try await connection.run("DELETE FROM kept_hook WHERE id = ANY(\(record.resolves))")
        }
        if let kept = record.kept { try await Self.insert(kept, on: connection) }
        return .committed(receipt)
    }

    private static func insert(_ hook: KeptHook, on connection: PostgresConnection) async throws {
        let headers = try KeptHeaders.encode(hook.headers)
        let body = ByteBuffer(bytes: hook.body)
        try await connection.run("""
            INSERT INTO kept_hook (id, subscription, disposition, cause, received_at, method, target, headers, body)
            VALUES (\(hook.id), \(hook.subscription), \(hook.disposition.rawValue), \(hook.cause),
                \(Microseconds.of(hook.receivedAt)), \(hook.method), \(hook.target), \(headers), \(body))
            ON CONFLICT (id) DO UPDATE SET disposition = excluded.disposition, cause = excluded.cause
            """)
    }

    public func keepRejected(_ hook: KeptHook, limits: KeptHookLimits) async throws {
        let maxAge = Microseconds.of(limits.maxAge)
        try await write { connection, now in
            try await Self.insert(hook, on: connection)
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

    public func ping() async throws {
        try await withConnection { connection in try await connection.run("SELECT 1") }
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

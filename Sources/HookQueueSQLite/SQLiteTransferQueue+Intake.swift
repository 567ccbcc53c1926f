import Foundation
import GRDB
import HookModel
import HookQueue

extension SQLiteTransferQueue: HookIntakeStore {
    public func commit(_ records: [IntakeRecord], deliveryWindow: Duration) async throws -> [IntakeResult] {
        guard !records.isEmpty else { return [] }
        let window = Microseconds.of(deliveryWindow)
        let results = try await write { db, now in
            try records.map { record in try Self.commit(record, now: now, window: window, in: db) }
        }
        if results.contains(where: { if case .committed(let receipt) = $0 { receipt.ids.count > 0 } else { false } }) {
            workArrived.signal()
        }
        return results
    }

    /// One statement records a new delivery, or an old one seen before the window, and returns a row; a delivery
    /// seen within the window returns none and is read back only then. Statements are cached: the writer runs them
    /// for every hook, and compiling them is a large share of a hook's time on the writer.
    private static func commit(_ record: IntakeRecord, now: Int64, window: Int64, in db: Database) throws -> IntakeResult {
        if let delivery = record.delivery {
            let recorded = try Int64.fetchOne(
                db.cachedStatement(sql: """
                    INSERT INTO hook_delivery (subscription, delivery, seen_at) VALUES (?, ?, ?)
                    ON CONFLICT (subscription, delivery) DO UPDATE SET seen_at = excluded.seen_at
                        WHERE hook_delivery.seen_at <= ?
                    RETURNING seen_at
                    """),
                arguments: [record.subscription, delivery, now, now - window])
            if recorded == nil {
                let seen = try Int64.fetchOne(
                    db.cachedStatement(sql: "SELECT seen_at FROM hook_delivery WHERE subscription = ? AND delivery = ?"),
                    arguments: [record.subscription, delivery])
                return .duplicate(firstSeen: Microseconds.date(seen ?? now))
            }
        }
        let receipt = try EnqueueUpsert.apply(record.requests, now: now, in: db)
        for id in record.resolves { try db.execute(sql: "DELETE FROM kept_hook WHERE id = ?", arguments: [id]) }
        if let kept = record.kept { try insert(kept, in: db) }
        return .committed(receipt)
    }

    private static func insert(_ hook: KeptHook, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO kept_hook (id, subscription, disposition, cause, received_at, method, target, headers, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET disposition = excluded.disposition, cause = excluded.cause
                """,
            arguments: [
                hook.id, hook.subscription, hook.disposition.rawValue, hook.cause, Microseconds.of(hook.receivedAt),
                hook.method, hook.target, try KeptHeaders.encode(hook.headers), Data(hook.body),
            ])
    }

    public func keepRejected(_ hook: KeptHook, limits: KeptHookLimits) async throws {
        let maxAge = Microseconds.of(limits.maxAge)
        try await write { db, now in
            try Self.insert(hook, in: db)
            try db.execute(
                sql: "DELETE FROM kept_hook WHERE disposition = 'rejected' AND received_at < ?", arguments: [now - maxAge])
            try db.execute(
                sql: """
                    DELETE FROM kept_hook WHERE disposition = 'rejected' AND id NOT IN (
                        SELECT id FROM kept_hook WHERE disposition = 'rejected' ORDER BY received_at DESC LIMIT ?)
                    """,
                arguments: [limits.maxRejected])
        }
    }

    public func keptHooks(_ disposition: KeptHook.Disposition?, limit: Int) async throws -> [KeptHook] {
        guard limit >= 1 else { throw TransferQueueError.invalidArgument("list limit \(limit) is below 1") }
        return try await read { db in
            let filter = disposition.map { "WHERE disposition = '\($0.rawValue)'" } ?? ""
            return try Row.fetchAll(
                db, sql: "SELECT \(Self.keptColumns) FROM kept_hook \(filter) ORDER BY received_at DESC, id LIMIT ?",
                arguments: [limit]
            ).map(Self.keptHook)
        }
    }

    public func keptHook(id: String) async throws -> KeptHook? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.keptColumns) FROM kept_hook WHERE id = ?", arguments: [id])
                .map(Self.keptHook)
        }
    }

    @discardableResult
    public func removeKeptHooks(ids: [String]) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await write { db, _ in
            var removed = 0
            for id in ids {
                try db.execute(sql: "DELETE FROM kept_hook WHERE id = ?", arguments: [id])
                removed += db.changesCount
            }
            return removed
        }
    }

    @discardableResult
    public func forgetDeliveries(before date: Date) async throws -> Int {
        try await write { db, _ in
            try db.execute(sql: "DELETE FROM hook_delivery WHERE seen_at < ?", arguments: [Microseconds.of(date)])
            return db.changesCount
        }
    }

    private static let keptColumns = "id, subscription, disposition, cause, received_at, method, target, headers, body"

    private static func keptHook(_ row: Row) throws -> KeptHook {
        let id: String = row[0]
        let dispositionText: String = row[2]
        guard let disposition = KeptHook.Disposition(rawValue: dispositionText) else {
            throw TransferQueueError.corruptEntry(id: QueueItemID(0), reason: "kept hook \(id): disposition \(dispositionText)")
        }
        let body: Data = row[8]
        return KeptHook(
            id: id, subscription: row[1], disposition: disposition, cause: row[3],
            receivedAt: Microseconds.date(row[4]), method: row[5], target: row[6],
            headers: try KeptHeaders.decode(row[7], hook: id), body: Array(body))
    }
}

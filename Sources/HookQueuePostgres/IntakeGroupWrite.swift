import HookModel
import HookQueue
import PostgresNIO

/// One group commit of the intake server, written in a few statements whatever the number of hooks: one for the
/// delivery ids, one upsert for every request of the group (``EnqueueUpsert``, in chunks of its row limit), one
/// delete for the kept hooks the group resolves. Each statement is a round trip inside the group's transaction, so a
/// group of 32 hooks costs about as many round trips as one.
///
/// The results are those of writing the records one after another: a delivery id seen before within the window (or
/// earlier in the same group) makes its record a duplicate that adds nothing; a request equal to one pending, or to
/// an earlier request of the group, is merged into it and counted as coalesced by the record that brought it.
struct IntakeGroupWrite {
    let records: [IntakeRecord]
    let now: Int64
    /// The dedup window, in microseconds.
    let window: Int64
    let channel: String

    func apply(on connection: PostgresConnection) async throws -> [IntakeResult] {
        let duplicates = try await recordDeliveries(on: connection)
        let fresh = records.indices.filter { duplicates[$0] == nil }

        var receipts: [Int: EnqueueReceipt] = [:]
        let requests = fresh.flatMap { records[$0].requests }
        if !requests.isEmpty {
            let batch = EnqueueBatch(requests)
            var returned: [EnqueueUpsert.Returned] = []
            for chunk in batch.chunks(of: EnqueueUpsert.maxRows) {
                returned += try await EnqueueUpsert.apply(chunk, now: now, notifying: channel, on: connection)
            }
            let split = try batch.receipts(returned, splitInto: fresh.map { records[$0].requests.count })
            for (index, receipt) in zip(fresh, split) { receipts[index] = receipt }
        }
        let resolved = fresh.flatMap { records[$0].resolves }
        if !resolved.isEmpty {
            try await connection.run("DELETE FROM kept_hook WHERE id = ANY(\(resolved))")
        }
        // Kept hooks are the rare failed ones: a statement each.
        for index in fresh { if let kept = records[index].kept { try await KeptHookRow.insert(kept, on: connection) } }

        return records.indices.map { index in
            if let firstSeen = duplicates[index] { return .duplicate(firstSeen: Microseconds.date(firstSeen)) }
            return .committed(receipts[index] ?? EnqueueReceipt(ids: [], inserted: 0, coalesced: 0))
        }
    }

    /// Records the group's delivery ids in one statement, and returns when each duplicate record's id was first seen.
    ///
    /// Keys go in sorted order, so two servers recording overlapping groups lock them in the same order; a concurrent
    /// transaction recording the same key makes this one wait for it, then see its row (the second of two servers
    /// receiving one redelivery at once finds it a duplicate).
    private func recordDeliveries(on connection: PostgresConnection) async throws -> [Int: Int64] {
        struct Key: Hashable, Comparable {
            let subscription: String
            let delivery: String
            static func < (a: Key, b: Key) -> Bool { (a.subscription, a.delivery) < (b.subscription, b.delivery) }
        }
        var firstRecord: [Key: Int] = [:]
        var repeats: [(index: Int, key: Key)] = []
        for (index, record) in records.enumerated() {
            guard let delivery = record.delivery else { continue }
            let key = Key(subscription: record.subscription, delivery: delivery)
            if firstRecord[key] == nil { firstRecord[key] = index } else { repeats.append((index, key)) }
        }
        guard !firstRecord.isEmpty else { return [:] }
        let keys = firstRecord.keys.sorted()
        let recorded = try await connection.rows("""
            INSERT INTO hook_delivery (subscription, delivery, seen_at)
            SELECT subscription, delivery, \(now) FROM unnest(\(keys.map(\.subscription)), \(keys.map(\.delivery)))
                WITH ORDINALITY AS given (subscription, delivery, position) ORDER BY position
            ON CONFLICT (subscription, delivery) DO UPDATE SET seen_at = excluded.seen_at
                WHERE hook_delivery.seen_at <= \(now - window)
            RETURNING subscription, delivery
            """) { row in
            let (subscription, delivery) = try row.decode((String, String).self)
            return Key(subscription: subscription, delivery: delivery)
        }
        var firstSeen: [Key: Int64] = Dictionary(uniqueKeysWithValues: recorded.map { ($0, now) })
        let seenBefore = keys.filter { firstSeen[$0] == nil }
        if !seenBefore.isEmpty {
            let rows = try await connection.rows("""
                SELECT subscription, delivery, seen_at FROM hook_delivery
                WHERE (subscription, delivery) IN (
                    SELECT * FROM unnest(\(seenBefore.map(\.subscription)), \(seenBefore.map(\.delivery))))
                """) { row in try row.decode((String, String, Int64).self) }
            for (subscription, delivery, seenAt) in rows { firstSeen[Key(subscription: subscription, delivery: delivery)] = seenAt }
        }
        var duplicates: [Int: Int64] = [:]
        for key in seenBefore { if let index = firstRecord[key] { duplicates[index] = firstSeen[key] ?? now } }
        for (index, key) in repeats { duplicates[index] = firstSeen[key] ?? now }
        return duplicates
    }
}

/// A kept hook's row: inserted, or its disposition and cause replaced when the hook is kept again (a retry that
/// still fails).
enum KeptHookRow {
    static func insert(_ hook: KeptHook, on connection: PostgresConnection) async throws {
        let headers = try KeptHeaders.encode(hook.headers)
        let body = ByteBuffer(bytes: hook.body)
        try await connection.run("""
            INSERT INTO kept_hook (id, subscription, disposition, cause, received_at, method, target, headers, body)
            VALUES (\(hook.id), \(hook.subscription), \(hook.disposition.rawValue), \(hook.cause),
                \(Microseconds.of(hook.receivedAt)), \(hook.method), \(hook.target), \(headers), \(body))
            ON CONFLICT (id) DO UPDATE SET disposition = excluded.disposition, cause = excluded.cause
            """)
    }
}

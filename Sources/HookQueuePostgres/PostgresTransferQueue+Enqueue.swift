import HookQueue
import HookModel
import PostgresNIO

extension PostgresTransferQueue {
    @discardableResult
    public func enqueue(_ requests: [TransferRequest], checkpoint: ImportCheckpoint?) async throws -> EnqueueReceipt {
        guard !requests.isEmpty || checkpoint != nil else { return EnqueueReceipt(ids: [], inserted: 0, coalesced: 0) }
        let batch = EnqueueBatch(requests)
        let chunks = batch.chunks(of: EnqueueUpsert.maxRows)
        let returned: [EnqueueUpsert.Returned]
        if chunks.count == 1 && checkpoint == nil {
            // One statement, which PostgreSQL commits on its own: a batch costs one round trip.
            returned = try await write(singleStatement: true) { connection, now in
                try await EnqueueUpsert.apply(chunks[0], now: now, notifying: self.notificationChannel, on: connection)
            }
        } else {
            returned = try await write { connection, now in
                var returned: [EnqueueUpsert.Returned] = []
                for chunk in chunks {
                    returned += try await EnqueueUpsert.apply(chunk, now: now, notifying: self.notificationChannel, on: connection)
                }
                if let checkpoint { try await ImportCheckpoints.store(checkpoint, on: connection) }
                return returned
            }
        }
        let receipt = try batch.receipt(returned)
        if !requests.isEmpty { workArrived.signal() }
        return receipt
    }
}

/// A batch with its repeated keys merged before it reaches the database.
///
/// PostgreSQL refuses to upsert one row twice in one statement, which SQLite does row by row. Merging here gives the
/// same result: the newest request's fields, the debug flags OR-ed, and the repeats counted (the row's `coalesced`
/// starts at the number of repeats), each key in the place of its first request.
struct EnqueueBatch {
    struct Row {
        var request: TransferRequest
        var key: CoalescingKey
        /// Later requests in the batch with the same key.
        var repeats: Int
    }

    private(set) var rows: [Row] = []
    /// For each request of the batch, the index of its row.
    private var rowOfRequest: [Int] = []

    init(_ requests: [TransferRequest]) {
        var rowOfKey: [CoalescingKey: Int] = [:]
        rowOfKey.reserveCapacity(requests.count)
        rowOfRequest.reserveCapacity(requests.count)
        for request in requests {
            let key = CoalescingKey(request)
            if let index = rowOfKey[key] {
                let debug = rows[index].request.debug || request.debug
                rows[index].request = request
                rows[index].request.debug = debug
                rows[index].repeats += 1
                rowOfRequest.append(index)
            } else {
                rowOfKey[key] = rows.count
                rowOfRequest.append(rows.count)
                rows.append(Row(request: request, key: key, repeats: 0))
            }
        }
    }

    func chunks(of size: Int) -> [ArraySlice<Row>] {
        stride(from: 0, to: rows.count, by: size).map { rows[$0..<min($0 + size, rows.count)] }
    }

    /// The receipt from the returned rows, one per key: a row was inserted exactly when its `coalesced` is still
    /// the batch's own repeat count.
    func receipt(_ returned: [EnqueueUpsert.Returned]) throws -> EnqueueReceipt {
        try receipts(returned, splitInto: [rowOfRequest.count])[0]
    }

    /// The receipts of consecutive runs of the batch's requests, `counts` long each (the requests of one hook after
    /// another), as if each run had been enqueued after the ones before it: a request counts as inserted when it is
    /// the first of its key in the batch and its row is new, as merged otherwise.
    func receipts(_ returned: [EnqueueUpsert.Returned], splitInto counts: [Int]) throws -> [EnqueueReceipt] {
        precondition(counts.reduce(0, +) == rowOfRequest.count, "the runs do not cover the batch")
        let byKey = Dictionary(returned.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let stored = try rows.map { row in
            guard let stored = byKey[row.key] else {
                throw TransferQueueError.corruptEntry(id: QueueItemID(0), reason: "no row returned for \(row.key.externalId)")
            }
            return (id: stored.id, isNew: stored.coalesced == row.repeats)
        }
        var receipts: [EnqueueReceipt] = []
        receipts.reserveCapacity(counts.count)
        // Rows are numbered in the order their keys first appear, so a request is the first of its key exactly when
        // its row is the next one not met yet.
        var nextRow = 0
        var start = 0
        for count in counts {
            let run = rowOfRequest[start..<start + count]
            var inserted = 0
            for row in run where row == nextRow {
                nextRow += 1
                if stored[row].isNew { inserted += 1 }
            }
            receipts.append(EnqueueReceipt(ids: run.map { stored[$0].id }, inserted: inserted, coalesced: count - inserted))
            start += count
        }
        return receipts
    }
}

/// The enqueue statement: a multi-row `INSERT ... ON CONFLICT DO UPDATE` against the pending key's partial unique
/// index, which also notifies the queue's channel (delivered when the transaction commits).
enum EnqueueUpsert {
    /// Rows per statement: 14 parameters each, far below PostgreSQL's 65,535, and one statement's plan stays small.
    static let maxRows = 1000
    /// The request's columns and the batch's repeat count.
    static let parametersPerRow = RequestColumns.count + 1

    /// One RETURNING row.
    struct Returned {
        let id: QueueItemID
        let coalesced: Int
        let key: CoalescingKey
    }

    /// Inserts or merges `rows` (distinct keys) inside the caller's transaction.
    static func apply(
        _ rows: ArraySlice<EnqueueBatch.Row>, now: Int64, notifying channel: String, on connection: PostgresConnection
    ) async throws -> [Returned] {
        var bindings = PostgresBindings(capacity: 2 + rows.count * parametersPerRow)
        bindings.append(now)
        bindings.append(channel)
        for row in rows {
            RequestColumns.write(row.request, to: &bindings)
            bindings.append(Int32(clamping: row.repeats))
        }
        return try await connection.rows(PostgresQuery(unsafeSQL: sql(rows: rows.count), binds: bindings)) { row in
            let (id, coalesced, subscription, scope, externalId, direction) = try row.decode(
                (Int64, Int, String, String, String, String).self)
            return Returned(
                id: QueueItemID(id), coalesced: coalesced,
                key: CoalescingKey(subscription: subscription, scope: scope, externalId: externalId, direction: direction)
            )
        }
    }

    /// Parameters: $1 now, $2 the channel, then 14 per row. A new row's `coalesced` is the batch's repeats of its key;
    /// merging into a pending row adds them and the request itself. The newest request's fields win, `debug` is
    /// OR-ed, and a debug request moves the row's due time to now.
    static func sql(rows: Int) -> String {
        let values = (0..<rows).map { row in
            let first = 3 + row * parametersPerRow
            let parameters = (first..<first + parametersPerRow).map { "$\($0)" }.joined(separator: ", ")
            return "(\(parameters), 'pending', $1, $1)"
        }
        return """
            WITH upserted AS (
                INSERT INTO queue_item (\(RequestColumns.names), coalesced, state, enqueued_at, due_at)
                VALUES \(values.joined(separator: ", "))
                ON CONFLICT (subscription, scope, external_id, direction) WHERE state = 'pending' DO UPDATE SET
                    \(RequestColumns.replacedOnMerge),
                    debug = queue_item.debug OR excluded.debug,
                    due_at = CASE WHEN excluded.debug THEN least(queue_item.due_at, excluded.due_at)
                        ELSE queue_item.due_at END,
                    coalesced = queue_item.coalesced + excluded.coalesced + 1
                RETURNING id, coalesced, subscription, scope, external_id, direction),
            notified AS (SELECT pg_notify($2, ''))
            SELECT upserted.* FROM upserted, notified
            """
    }
}

extension PostgresBindings: RequestColumnWriter {
    package mutating func write(_ text: String?) { append(text) }
    package mutating func write(_ flag: Bool) { append(flag) }
}

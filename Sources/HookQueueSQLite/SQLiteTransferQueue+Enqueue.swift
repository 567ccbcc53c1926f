import GRDB
import GRDBSQLite
import HookQueue
import HookModel

extension SQLiteTransferQueue {
    @discardableResult
    public func enqueue(_ requests: [TransferRequest], checkpoint: ImportCheckpoint?) async throws -> EnqueueReceipt {
        guard !requests.isEmpty || checkpoint != nil else { return EnqueueReceipt(ids: [], inserted: 0, coalesced: 0) }
        let receipt = try await write { db, now in
            let receipt = try EnqueueUpsert.apply(requests, now: now, in: db)
            if let checkpoint { try ImportCheckpoints.store(checkpoint, in: db) }
            return receipt
        }
        if receipt.inserted + receipt.coalesced > 0 { workArrived.signal() }
        return receipt
    }
}

/// The enqueue statement: a multi-row `INSERT ... ON CONFLICT DO UPDATE` per chunk of the batch. One statement for
/// many rows costs SQLite far less than one execution per row, and chunk sizes are powers of two so only a few
/// statements are ever prepared and cached.
enum EnqueueUpsert {
    static let maxRows = 128

    /// Powers of two adding up to `count`, largest first, none above ``maxRows``.
    /// Inserts or merges `requests` inside the caller's transaction.
    static func apply(_ requests: [TransferRequest], now: Int64, in db: Database) throws -> EnqueueReceipt {
        var ids: [QueueItemID] = []
        ids.reserveCapacity(requests.count)
        var inserted = 0
        var start = 0
        for size in chunkSizes(requests.count) {
            let chunk = requests[start..<start + size]
            start += size
            let statement = try db.cachedStatement(sql: sql(rows: size))
            bind(chunk, now: now, to: statement)
            let result = try run(statement, for: chunk)
            inserted += result.inserted
            ids += result.ids
        }
        return EnqueueReceipt(ids: ids, inserted: inserted, coalesced: requests.count - inserted)
    }

    static func chunkSizes(_ count: Int) -> [Int] {
        var sizes = Array(repeating: maxRows, count: count / maxRows)
        var rest = count % maxRows
        var size = maxRows / 2
        while rest > 0 {
            if rest >= size {
                sizes.append(size)
                rest -= size
            }
            size /= 2
        }
        return sizes
    }

    static func sql(rows: Int) -> String {
        statements[rows] ?? makeSQL(rows: rows)
    }

    private static let statements: [Int: String] = Dictionary(
        uniqueKeysWithValues: sequence(first: 1) { $0 < maxRows ? $0 * 2 : nil }.map { ($0, makeSQL(rows: $0)) }
    )

    /// Inserts pending rows, or merges each into the pending row with the same coalescing key: the newest request's
    /// fields win, `debug` is OR-ed, a debug request moves the row's due time to now, and the count goes up. Rows
    /// are applied in order, so a key repeated within the statement merges too. Each returned row's `coalesced` is
    /// 0 exactly when that request was inserted.
    private static func makeSQL(rows: Int) -> String {
        let values = Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)", count: rows)
        return """
            INSERT INTO queue_item (\(RequestColumns.names), state, enqueued_at, due_at)
            VALUES \(values.joined(separator: ", "))
            ON CONFLICT (subscription, scope, external_id, direction) WHERE state = 'pending' DO UPDATE SET
                \(RequestColumns.replacedOnMerge),
                debug = debug | excluded.debug,
                due_at = CASE WHEN excluded.debug THEN min(due_at, excluded.due_at) ELSE due_at END,
                coalesced = coalesced + 1
            RETURNING id, coalesced, subscription, scope, external_id, direction
            """
    }

    static func bind(_ requests: ArraySlice<TransferRequest>, now: Int64, to statement: Statement) {
        var binder = DirectBinder.prepare(statement)
        for request in requests {
            RequestColumns.write(request, to: &binder)
            binder.bind(now)
            binder.bind(now)
        }
        precondition(binder.isComplete, "the enqueue statement has parameters left unbound")
    }

    /// Runs the chunk's statement and reads the id each request got. RETURNING rows come in no documented order,
    /// though SQLite returns them in the VALUES order: each row's key columns are compared in place with the key of
    /// the request at its position (no strings built, which would cost more than SQLite's own work for the row), and
    /// only once one differs are the rows' keys read and matched (``match(_:to:)``).
    static func run(
        _ statement: Statement, for requests: ArraySlice<TransferRequest>
    ) throws -> (ids: [QueueItemID], inserted: Int) {
        let columns = statement.sqliteStatement
        // A cursor's row reads the statement's columns in place; fetchAll would copy every row first.
        let rows = try Row.fetchCursor(statement)
        var ids: [QueueItemID] = []
        ids.reserveCapacity(requests.count)
        var inserted = 0
        var outOfOrder: [Returned]?
        var position = requests.startIndex
        while let row = try rows.next() {
            let id = QueueItemID(sqlite3_column_int64(columns, 0))
            if sqlite3_column_int64(columns, 1) == 0 { inserted += 1 }
            if outOfOrder == nil, position < requests.endIndex, ReturnedKey(columns).equals(requests[position]) {
                ids.append(id)
            } else {
                if outOfOrder == nil { outOfOrder = zip(ids, requests).map { Returned(id: $0, key: Key($1)) } }
                outOfOrder?.append(Returned(id: id, key: Key(row)))
            }
            position += 1
        }
        if let outOfOrder { return (try match(outOfOrder, to: requests), inserted) }
        guard ids.count == requests.count else { throw rowCountMismatch(ids.count, requests.count) }
        return (ids, inserted)
    }

    /// One RETURNING row, for matching by key.
    struct Returned {
        let id: QueueItemID
        let key: Key
    }

    /// The id each request got, from rows in any order: in their order when every row's key is its request's, else
    /// matched by key (a key names one pending row, so every request with it got the same id).
    static func match(_ returned: [Returned], to requests: ArraySlice<TransferRequest>) throws -> [QueueItemID] {
        guard returned.count == requests.count else { throw rowCountMismatch(returned.count, requests.count) }
        if zip(returned, requests).allSatisfy({ $0.key.matches($1) }) { return returned.map(\.id) }
        let idByKey = Dictionary(returned.map { ($0.key, $0.id) }, uniquingKeysWith: { first, _ in first })
        return try requests.map { request in
            guard let id = idByKey[Key(request)] else {
                throw TransferQueueError.corruptEntry(id: QueueItemID(0), reason: "no row returned for \(request.externalId)")
            }
            return id
        }
    }

    private static func rowCountMismatch(_ rows: Int, _ requests: Int) -> TransferQueueError {
        .corruptEntry(id: QueueItemID(0), reason: "enqueue returned \(rows) rows for \(requests) requests")
    }

    /// The coalescing key as stored text.
    typealias Key = CoalescingKey
}

/// The key columns (2 to 5) of the RETURNING row a statement is on, compared in place with a request's key.
private struct ReturnedKey {
    let statement: SQLiteStatement

    init(_ statement: SQLiteStatement) {
        self.statement = statement
    }

    func equals(_ request: TransferRequest) -> Bool {
        column(4, is: request.externalId) && column(2, is: request.subscription)
            && column(5, is: request.direction.rawValue) && column(3, isScope: request.scope)
    }

    private func column(_ index: Int32, is text: String) -> Bool {
        var text = text
        return text.withUTF8 { column(index, startsWith: $0, length: $0.count) }
    }

    /// The stored scope text is `collection/action` (``Scope/description``), compared without building it.
    private func column(_ index: Int32, isScope scope: Scope) -> Bool {
        var collection = scope.collection
        var action = scope.action.rawValue
        return collection.withUTF8 { collection in
            action.withUTF8 { action in
                let length = collection.count + 1 + action.count
                guard column(index, startsWith: collection, length: length),
                    let bytes = sqlite3_column_text(statement, index)
                else { return false }
                return bytes[collection.count] == UInt8(ascii: "/")
                    && UnsafeBufferPointer(start: bytes + collection.count + 1, count: action.count).elementsEqual(action)
            }
        }
    }

    /// Whether the column is text of exactly `length` bytes starting with `prefix`.
    private func column(_ index: Int32, startsWith prefix: UnsafeBufferPointer<UInt8>, length: Int) -> Bool {
        guard let bytes = sqlite3_column_text(statement, index), sqlite3_column_bytes(statement, index) == length else {
            return false
        }
        return UnsafeBufferPointer(start: bytes, count: prefix.count).elementsEqual(prefix)
    }
}

extension CoalescingKey {
    /// The key of a RETURNING row (columns 2 to 5).
    init(_ row: Row) {
        self.init(subscription: row[2], scope: row[3], externalId: row[4], direction: row[5])
    }
}

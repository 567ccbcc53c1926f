import Foundation
import GRDB
import HookQueue
import HookRules

/// One `queue_item` row, decoded. Every query that reads whole rows selects ``StoredItem/columns``.
struct StoredItem {
    /// The selected columns; ``init(row:)`` reads them by position in exactly this order (GRDB's lookup by name
    /// searches the column names case-insensitively, which cost more than the rest of a claim).
    static let columns = """
        id, subscription, integration, scope, direction, external_id, child_request, parent_kind, \
        parent_external_id, origin_kind, origin_external_id, delete_triggered, hook_id, debug, state, attempt, \
        retry_base, coalesced, enqueued_at, due_at, lease_expires_at, worker, last_error
        """

    var id: QueueItemID
    var request: TransferRequest
    var state: QueueState
    var attempt: Int
    var retryBase: Int
    var coalesced: Int
    var enqueuedAt: Int64
    var dueAt: Int64
    var leaseExpiresAt: Int64?
    var worker: String?
    var lastError: String?

    init(row: Row, scopes: inout ScopeCache) throws {
        var column = ColumnReader(row: row)
        id = QueueItemID(column.next() as Int64)
        let subscription: String = column.next()
        let integration: String = column.next()
        let scopeText: String = column.next()
        let directionText: String = column.next()
        guard let scope = scopes.scope(scopeText) else {
            throw TransferQueueError.corruptEntry(id: id, reason: "scope \(scopeText)")
        }
        guard let direction = Direction(rawValue: directionText) else {
            throw TransferQueueError.corruptEntry(id: id, reason: "direction \(directionText)")
        }
        request = TransferRequest(
            subscription: subscription, integration: integration, scope: scope, direction: direction,
            externalId: column.next(), childRequest: column.next(),
            parent: Self.link(column.nextOptional(), column.nextOptional()),
            origin: Self.link(column.nextOptional(), column.nextOptional()),
            deleteTriggered: column.next(), debug: false, hookId: column.nextOptional()
        )
        request.debug = column.next()
        let stateText: String = column.next()
        guard let state = QueueState(rawValue: stateText) else {
            throw TransferQueueError.corruptEntry(id: id, reason: "state \(stateText)")
        }
        self.state = state
        attempt = column.next()
        retryBase = column.next()
        coalesced = column.next()
        enqueuedAt = column.next()
        dueAt = column.next()
        leaseExpiresAt = column.nextOptional()
        worker = column.nextOptional()
        lastError = column.nextOptional()
    }

    private static func link(_ kind: String?, _ externalId: String?) -> RequestLink? {
        guard let kind, let externalId else { return nil }
        return RequestLink(kind: kind, externalId: externalId)
    }

    /// Attempts in the current round, the number the retry policy counts.
    var roundAttempt: Int { attempt - retryBase }

    var entry: QueueEntry {
        QueueEntry(
            id: id, request: request, state: state, attempt: attempt, coalesced: coalesced,
            enqueuedAt: Microseconds.date(enqueuedAt), dueAt: Microseconds.date(dueAt),
            leaseExpiresAt: leaseExpiresAt.map(Microseconds.date), worker: worker, lastError: lastError
        )
    }

    /// The claim this row is; only meaningful for a claimed row.
    func claim() throws -> ClaimedRequest {
        guard state == .claimed, let leaseExpiresAt, let worker else {
            throw TransferQueueError.corruptEntry(id: id, reason: "not a claimed row")
        }
        return ClaimedRequest(
            id: id, request: request, attempt: attempt, coalesced: coalesced, worker: worker,
            leaseExpiresAt: Microseconds.date(leaseExpiresAt), enqueuedAt: Microseconds.date(enqueuedAt),
            lastError: lastError
        )
    }

    /// Reads whole rows, straight off the statement (no copy of each row).
    static func fetchAll(_ db: Database, sql: String, arguments: StatementArguments) throws -> [StoredItem] {
        let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
        var scopes = ScopeCache()
        var items: [StoredItem] = []
        while let row = try rows.next() { items.append(try StoredItem(row: row, scopes: &scopes)) }
        return items
    }
}

/// Reads a row's columns in order, through GRDB's fast path for column types SQLite decodes itself.
private struct ColumnReader {
    let row: Row
    var index = 0

    mutating func next<T: DatabaseValueConvertible & StatementColumnConvertible>() -> T {
        defer { index += 1 }
        return row[index]
    }

    mutating func nextOptional<T: DatabaseValueConvertible & StatementColumnConvertible>() -> T? {
        defer { index += 1 }
        return row[index]
    }
}

/// Parses each distinct scope text once per query: a claim of many rows sees only a few scopes.
struct ScopeCache {
    private var parsed: [String: Scope] = [:]

    mutating func scope(_ text: String) -> Scope? {
        if let scope = parsed[text] { return scope }
        let scope = Scope(text)
        parsed[text] = scope
        return scope
    }
}

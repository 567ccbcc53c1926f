import Foundation
import GRDB
import HookQueue
import HookRules

/// One `queue_item` row, decoded. Every query that reads whole rows selects ``StoredItem/columns``.
struct StoredItem {
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

    init(row: Row) throws {
        id = QueueItemID(row["id"] as Int64)
        let scopeText: String = row["scope"]
        let directionText: String = row["direction"]
        let stateText: String = row["state"]
        guard let scope = Scope(scopeText) else { throw TransferQueueError.corruptEntry(id: id, reason: "scope \(scopeText)") }
        guard let direction = Direction(rawValue: directionText) else {
            throw TransferQueueError.corruptEntry(id: id, reason: "direction \(directionText)")
        }
        guard let state = QueueState(rawValue: stateText) else {
            throw TransferQueueError.corruptEntry(id: id, reason: "state \(stateText)")
        }
        request = TransferRequest(
            subscription: row["subscription"], integration: row["integration"], scope: scope, direction: direction,
            externalId: row["external_id"], childRequest: row["child_request"],
            parent: Self.link(row["parent_kind"], row["parent_external_id"]),
            origin: Self.link(row["origin_kind"], row["origin_external_id"]),
            deleteTriggered: row["delete_triggered"], debug: row["debug"], hookId: row["hook_id"]
        )
        self.state = state
        attempt = row["attempt"]
        retryBase = row["retry_base"]
        coalesced = row["coalesced"]
        enqueuedAt = row["enqueued_at"]
        dueAt = row["due_at"]
        leaseExpiresAt = row["lease_expires_at"]
        worker = row["worker"]
        lastError = row["last_error"]
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

    /// Reads whole rows.
    static func fetchAll(_ db: Database, sql: String, arguments: StatementArguments) throws -> [StoredItem] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map(StoredItem.init(row:))
    }
}

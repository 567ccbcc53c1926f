/// A row a claim has just taken, as the claim's statement returns it: only the columns the claim did not set itself
/// (its state, worker and lease are the claim's arguments), so a claim decodes 19 columns instead of a whole row's 23.
/// Each backend reads it through its ``StoredRowReader``. Not public API.
package struct ClaimedRow: Sendable {
    /// The columns a claim returns, in the order ``init(reading:scopes:worker:leaseExpiresAt:)`` reads them.
    package static let columns = "\(StoredQueueItem.requestColumns), attempt, coalesced, enqueued_at, due_at, last_error"

    package var claim: ClaimedRequest
    /// Only for ordering a claim's rows (``priorityOrder(_:_:)``).
    package var dueAt: Int64

    /// Decodes the columns of ``columns``, claimed by `worker` until `leaseExpiresAt` (microseconds).
    package init(
        reading row: inout some StoredRowReader, scopes: inout ScopeCache, worker: String, leaseExpiresAt: Int64
    ) throws {
        let (id, request) = try StoredQueueItem.readRequest(&row, scopes: &scopes)
        let attempt = try row.int()
        let coalesced = try row.int()
        let enqueuedAt = try row.int64()
        dueAt = try row.int64()
        claim = ClaimedRequest(
            id: id, request: request, attempt: attempt, coalesced: coalesced, worker: worker,
            leaseExpiresAt: Microseconds.date(leaseExpiresAt), enqueuedAt: Microseconds.date(enqueuedAt),
            lastError: try row.optionalText()
        )
    }

    /// Orders claimed rows as a claim hands them out: debug first, then by due time, then by id.
    package static func priorityOrder(_ lhs: ClaimedRow, _ rhs: ClaimedRow) -> Bool {
        (lhs.claim.request.debug ? 0 : 1, lhs.dueAt, lhs.claim.id)
            < (rhs.claim.request.debug ? 0 : 1, rhs.dueAt, rhs.claim.id)
    }

    /// `rows` in the order a claim hands them out.
    package static func inPriorityOrder(_ rows: [ClaimedRow]) -> [ClaimedRequest] {
        rows.sorted(by: priorityOrder).map(\.claim)
    }
}

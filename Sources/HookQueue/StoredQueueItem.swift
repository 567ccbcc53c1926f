import Foundation
import HookModel

/// One stored queue row, decoded, as every backend of this package keeps it: the request, its state and counters,
/// times in microseconds. Each backend decodes its own rows into this and shares the rest: turning a row into a
/// ``QueueEntry`` or a ``ClaimedRequest``, and what a failed or expired attempt becomes. Not public API.
package struct StoredQueueItem: Sendable {
    /// The selected columns, in the order the backends' decoders read them by position.
    package static let columns = """
        \(requestColumns), state, attempt, retry_base, coalesced, enqueued_at, due_at, lease_expires_at, worker, \
        last_error
        """

    /// The id and the request's columns, which every whole or claimed row starts with
    /// (``readRequest(_:scopes:)`` reads them in ``RequestColumns``' order).
    package static let requestColumns = "id, \(RequestColumns.names)"

    package var id: QueueItemID
    package var request: TransferRequest
    package var state: QueueState
    package var attempt: Int
    package var retryBase: Int
    package var coalesced: Int
    package var enqueuedAt: Int64
    package var dueAt: Int64
    package var leaseExpiresAt: Int64?
    package var worker: String?
    package var lastError: String?

    package init(
        id: QueueItemID, request: TransferRequest, state: QueueState, attempt: Int, retryBase: Int, coalesced: Int,
        enqueuedAt: Int64, dueAt: Int64, leaseExpiresAt: Int64?, worker: String?, lastError: String?
    ) {
        self.id = id
        self.request = request
        self.state = state
        self.attempt = attempt
        self.retryBase = retryBase
        self.coalesced = coalesced
        self.enqueuedAt = enqueuedAt
        self.dueAt = dueAt
        self.leaseExpiresAt = leaseExpiresAt
        self.worker = worker
        self.lastError = lastError
    }

    /// A parent or origin link from its two nullable columns.
    package static func link(_ kind: String?, _ externalId: String?) -> RequestLink? {
        guard let kind, let externalId else { return nil }
        return RequestLink(kind: kind, externalId: externalId)
    }

    /// Attempts in the current round, the number the retry policy counts.
    package var roundAttempt: Int { attempt - retryBase }

    package var entry: QueueEntry {
        QueueEntry(
            id: id, request: request, state: state, attempt: attempt, coalesced: coalesced,
            enqueuedAt: Microseconds.date(enqueuedAt), dueAt: Microseconds.date(dueAt),
            leaseExpiresAt: leaseExpiresAt.map(Microseconds.date), worker: worker, lastError: lastError
        )
    }

    /// The error an expired lease is recorded with.
    package var leaseExpiredError: String {
        "lease of worker \(worker ?? "?") expired at attempt \(attempt)"
    }

    /// What this claimed row's failed attempt becomes under `policy` at `now`: dead once the round's attempts are used
    /// up, else pending again after `retryAfter` (a processor's Retry-After) or the policy's backoff.
    package func afterFailedAttempt(policy: RetryPolicy, now: Int64, retryAfter: Duration? = nil) -> FailedAttempt {
        guard roundAttempt < policy.maxAttempts else { return .deadLetter }
        return .retry(dueAt: now + Microseconds.of(retryAfter ?? policy.backoff(roundAttempt)))
    }

    package enum FailedAttempt: Equatable {
        case deadLetter
        case retry(dueAt: Int64)
    }
}

/// Parses each distinct scope text once per query: a claim of many rows sees only a few scopes.
package struct ScopeCache {
    private var parsed: [String: Scope] = [:]

    package init() {}

    package mutating func scope(_ text: String) -> Scope? {
        if let scope = parsed[text] { return scope }
        let scope = Scope(text)
        parsed[text] = scope
        return scope
    }
}

/// Reads one stored row's columns in order; each backend reads its own row type through one of these, so the
/// decoding of a request and its checks are written once (``StoredQueueItem/init(reading:scopes:)``).
package protocol StoredRowReader {
    mutating func int64() throws -> Int64
    mutating func optionalInt64() throws -> Int64?
    mutating func int() throws -> Int
    mutating func bool() throws -> Bool
    mutating func text() throws -> String
    mutating func optionalText() throws -> String?
}

extension StoredQueueItem {
    /// Decodes the columns of ``columns``, in that order.
    package init(reading row: inout some StoredRowReader, scopes: inout ScopeCache) throws {
        let (id, request) = try Self.readRequest(&row, scopes: &scopes)
        let stateText = try row.text()
        guard let state = QueueState(rawValue: stateText) else {
            throw TransferQueueError.corruptEntry(id: id, reason: "state \(stateText)")
        }
        self.init(
            id: id, request: request, state: state, attempt: try row.int(), retryBase: try row.int(),
            coalesced: try row.int(), enqueuedAt: try row.int64(), dueAt: try row.int64(),
            leaseExpiresAt: try row.optionalInt64(), worker: try row.optionalText(), lastError: try row.optionalText()
        )
    }

    /// Decodes the columns of ``requestColumns``, in that order.
    package static func readRequest(
        _ row: inout some StoredRowReader, scopes: inout ScopeCache
    ) throws -> (QueueItemID, TransferRequest) {
        let id = QueueItemID(try row.int64())
        let subscription = try row.text()
        let integration = try row.text()
        let scopeText = try row.text()
        let directionText = try row.text()
        guard let scope = scopes.scope(scopeText) else {
            throw TransferQueueError.corruptEntry(id: id, reason: "scope \(scopeText)")
        }
        guard let direction = Direction(rawValue: directionText) else {
            throw TransferQueueError.corruptEntry(id: id, reason: "direction \(directionText)")
        }
        var request = TransferRequest(
            subscription: subscription, integration: integration, scope: scope, direction: direction,
            externalId: try row.text(), childRequest: try row.bool(),
            parent: Self.link(try row.optionalText(), try row.optionalText()),
            origin: Self.link(try row.optionalText(), try row.optionalText()),
            deleteTriggered: try row.bool(), debug: false, hookId: try row.optionalText()
        )
        request.debug = try row.bool()
        return (id, request)
    }
}

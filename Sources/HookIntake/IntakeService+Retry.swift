import Foundation
import HookModel
import HookQueue

/// What retrying a kept hook did.
public enum KeptHookRetry: Sendable, Equatable {
    /// It now resolves: its requests are queued and it is no longer kept.
    case resolved(requests: Int, ignored: Int)
    /// Its rule still fails (the kept hook's cause is updated), or it is still refused (its subscription unknown,
    /// its authentication failing): it stays kept.
    case stillFailing(String)
}

extension IntakeService {
    /// Runs a kept hook again through the rules and subscriptions as they are now (a fixed rule, a new preset, a
    /// rotated secret). A rejected hook is authenticated again first; a failed one passed authentication when it
    /// arrived. Resolved, its requests are committed and the kept hook removed in one transaction.
    public func retry(_ kept: KeptHook) async throws -> KeptHookRetry {
        let received = ReceivedHook(
            id: kept.id, subscription: kept.subscription, method: kept.method, target: kept.target,
            headers: HTTPHeaders(kept.headers.map { (name: $0.name, value: $0.value) }),
            query: Self.query(of: kept.target), body: kept.body, receivedAt: kept.receivedAt)
        guard let subscription = engine.subscriptions[kept.subscription] else {
            return .stillFailing("unknown subscription \"\(kept.subscription)\"")
        }
        if kept.disposition == .rejected, let refusal = refusal(of: received, for: subscription, now: kept.receivedAt) {
            return .stillFailing(refusal)
        }
        let outcome = await engine.process(received.hook, subscription: subscription)
        if outcome.failed {
            let cause = outcome.errors.map(\.description).joined(separator: "\n")
            var updated = kept
            updated.disposition = .failed
            updated.cause = cause
            _ = try await committer.commit(IntakeRecord(subscription: subscription.id, kept: updated))
            return .stillFailing(cause)
        }
        _ = try await committer.commit(
            IntakeRecord(subscription: subscription.id, requests: outcome.requests, resolves: [kept.id]))
        return .resolved(requests: outcome.made.count, ignored: outcome.ignored.count)
    }

    /// The query parameters of a kept target (`/hooks/x?a=1&b=2`), percent-decoded.
    static func query(of target: String) -> [String: String] {
        guard let start = target.firstIndex(of: "?") else { return [:] }
        var query: [String: String] = [:]
        for pair in target[target.index(after: start)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
            }
            query[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return query
    }
}

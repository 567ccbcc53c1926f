import HookModel

/// The outbound processing of the seed platform: a record that came in (`to`) from one subscription goes out
/// (`from`) to every other subscription listening to its collection — one whose integration's catalog has the
/// request's scope and whose `outbound` is on.
///
/// The `from` request carries the record's id as the source system knows it, and names the source in `origin`
/// (kind: the source subscription, id: that id): mapping it to the target system's id is the processor's job.
public struct OutboundFanOut: Sendable {
    private let listeners: [Subscription]
    private let catalogs: [String: ScopeCatalog]

    public init(subscriptions: [Subscription], catalogs: [String: ScopeCatalog]) {
        listeners = subscriptions.filter(\.outbound)
        self.catalogs = catalogs
    }

    /// The `from` requests that processing `request` calls for; none unless it came in (`to`).
    public func followUps(after request: TransferRequest) -> [TransferRequest] {
        guard request.direction == .to else { return [] }
        return listeners.compactMap { listener in
            guard listener.id != request.subscription, catalogs[listener.integration]?.contains(request.scope) == true
            else { return nil }
            var outbound = request
            outbound.subscription = listener.id
            outbound.integration = listener.integration
            outbound.direction = .from
            outbound.origin = RequestLink(kind: request.subscription, externalId: request.externalId)
            return outbound
        }
    }
}

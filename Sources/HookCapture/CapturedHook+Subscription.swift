import HookModel

extension CapturedHook {
    /// The subscription a capture replays for. Its integration is that of the subscription named by `override`
    /// (`replay --subscription`) or by the envelope, else the capture's own (the envelope's, or the folder's name);
    /// the subscription is the one named, else that integration's only one, else a default named after the
    /// integration (see ``SubscriptionDirectory``).
    /// - Parameter integrations: the integrations that have a rule; a capture of any other fails.
    public func subscription(
        named override: String?, in directory: SubscriptionDirectory, integrations: Set<String>, rulesFolder: String
    ) throws(CaptureError) -> Subscription {
        let named = override ?? subscription
        let integration = named.flatMap { directory[$0]?.integration } ?? self.integration
        guard integrations.contains(integration) else {
            throw CaptureError(
                path: path, reason: "unknown integration \"\(integration)\": no rule file \(rulesFolder)/\(integration).lua")
        }
        do {
            return try directory.subscription(id: named, integration: integration)
        } catch {
            // Only `replay` asks: its way to name one of several subscriptions is its option.
            throw CaptureError(path: path, reason: error.message(namingOne: "with --subscription"))
        }
    }
}

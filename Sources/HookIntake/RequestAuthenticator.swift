/// Decides whether a received request may be run for its subscription: a Bearer key, a provider's signature, or
/// explicitly nothing. Every subscription the server accepts hooks for has one (none is a start-up error, so a
/// forgotten secret never means an open endpoint).
public protocol RequestAuthenticator: Sendable {
    /// nil when the request is authentic; else why not (for the log and the rejected-hook store, never the sender).
    func refusal(of hook: ReceivedHook) -> String?
}

/// `auth: none`: the subscription's endpoint accepts any request. Written out in the configuration, never assumed.
public struct OpenAccess: RequestAuthenticator {
    public init() {}

    public func refusal(of hook: ReceivedHook) -> String? { nil }
}

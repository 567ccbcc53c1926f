import Foundation

/// One subscription's authentication: a Bearer key and/or the provider's signature, both checked when both are
/// given. No authentication at all is never a default: it is `RequestAuthenticator.none`, which the configuration
/// must ask for by name (`auth: none`).
public struct RequestAuthenticator: Sendable {
    public let bearer: BearerKeys?
    public let signature: WebhookVerifier?

    /// Accepts every request: only when the configuration says `auth: none`.
    public static let none = RequestAuthenticator(checking: nil, nil)

    public init(bearer: BearerKeys? = nil, signature: WebhookVerifier? = nil) throws(SignatureConfigurationError) {
        guard bearer != nil || signature != nil else { throw .noAuthentication }
        self.init(checking: bearer, signature)
    }

    private init(checking bearer: BearerKeys?, _ signature: WebhookVerifier?) {
        self.bearer = bearer
        self.signature = signature
    }

    public var isNone: Bool { bearer == nil && signature == nil }

    /// Passes, or throws the first reason found (the Bearer key is checked first: it is the cheaper check).
    public func authenticate(_ request: WebhookRequest, now: Date) throws(SignatureFailure) {
        try bearer?.verify(request.headers)
        try signature?.verify(request, now: now)
    }
}

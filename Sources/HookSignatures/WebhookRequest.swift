import HookModel

/// What a signature covers: the method and URL as the sender addressed them, the headers, and the body's bytes
/// exactly as received (a body parsed and re-serialised no longer verifies). The intake server builds one per hook;
/// `hookrules send` builds one per capture and has `WebhookSigner` sign it.
public struct WebhookRequest: Sendable, Hashable {
    public var method: String
    /// The full URL the sender addressed (scheme, host, path and query), as HubSpot v3 and `{url}` in a generic
    /// template sign it. Behind a proxy, the public URL, not the one the proxy forwarded to.
    public var url: String
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(method: String = "POST", url: String, headers: HTTPHeaders = [:], body: [UInt8]) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

import Crypto
import Foundation
import HookModel

/// Signs a request the way the provider would, with one secret: what `hookrules send` uses to post captures to a
/// server that verifies them, and what tests use to make deliveries. Every HMAC scheme signs; SendGrid's secret
/// is a public key, so asking for a SendGrid signer fails at load.
public struct WebhookSigner: Sendable {
    public let scheme: SignatureScheme
    private let layout: HMACLayout
    private let key: SymmetricKey

    public init(scheme: SignatureScheme, secret: WebhookSecret) throws(SignatureConfigurationError) {
        guard let layout = scheme.hmacLayout else { throw .signingUnsupported(scheme: scheme.name) }
        self.scheme = scheme
        self.layout = layout
        key = try layout.key(from: secret, scheme: scheme.name, position: 1)
    }

    /// The headers that carry the signature of `request` made at `time`: the signature header, and the timestamp
    /// and delivery id headers where the scheme signs them. The delivery id is `deliveryID`, else the one the
    /// request already carries (a capture re-sent keeps its id), else a new `msg_<UUID>`.
    public func signatureHeaders(for request: WebhookRequest, at time: Date, deliveryID: String? = nil) -> HTTPHeaders {
        var content = SignedContent()
        content.timestamp = Freshness.timestamp(time, unit: layout.timestampUnit)
        var headers = HTTPHeaders()
        if let name = layout.deliveryIDHeader {
            let existing = try? request.headers.signatureValue(name)
            content.deliveryID = deliveryID ?? existing ?? "msg_\(UUID().uuidString)"
            headers.add(name, content.deliveryID)
        }
        if case .header(let name, _) = layout.timestamp { headers.add(name, content.timestamp) }
        let signature = layout.algorithm.authenticationCode(key: key, parts: content.parts(layout.content, of: request))
        switch layout.signature {
        case .header(let name, let prefix, let encoding):
            headers.add(name, prefix + ByteEncoding.encode(signature, as: encoding))
        case .stripe:
            headers.add(StripeSignatureHeader.name, StripeSignatureHeader.format(timestamp: content.timestamp, signature: signature))
        case .standardWebhooks:
            headers.add(StandardWebhooksSignatureHeader.name, StandardWebhooksSignatureHeader.format(signature: signature))
        }
        return headers
    }

    /// `request` with its signature headers replaced by fresh ones (any earlier values of those names dropped).
    public func sign(_ request: WebhookRequest, at time: Date, deliveryID: String? = nil) -> WebhookRequest {
        var signed = request
        signed.headers = request.headers.replacing(with: signatureHeaders(for: request, at: time, deliveryID: deliveryID))
        return signed
    }
}

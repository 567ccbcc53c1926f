import Crypto
import Foundation
import HookModel
import HookSignatures

/// Signs requests as the senders of the bundled demo subscriptions would: each provider's scheme with the demo
/// secret `rules/subscriptions.yaml` lists, or the subscription's Bearer key. The tests write the schemes and secrets
/// out themselves rather than reading them through the server's configuration code, so a server that read them
/// wrongly fails here.
struct DemoSender: Sendable {
    enum Credential: Sendable {
        case signature(SignatureScheme, secret: String)
        case bearer(String)
        /// SendGrid signs with a private key of its own (the subscription holds the public key), so no
        /// `WebhookSigner` can: the test signs as SendGrid does, ECDSA P-256 over timestamp + body.
        case sendgrid(privateKey: Data)
    }

    let subscription: String
    let credential: Credential

    static let github = DemoSender(
        subscription: "demo-github", credential: .signature(.github, secret: "demo-github-secret"))
    static let shopify = DemoSender(
        subscription: "demo-shopify", credential: .signature(.shopify, secret: "demo-shopify-secret"))
    static let hubspot = DemoSender(
        subscription: "demo-hubspot", credential: .signature(.hubspotV3, secret: "demo-hubspot-secret"))
    static let stripe = DemoSender(
        subscription: "demo-stripe", credential: .signature(.stripe, secret: "whsec_demo-stripe-secret"))
    static let woocommerce = DemoSender(
        subscription: "demo-woocommerce", credential: .signature(.woocommerce, secret: "demo-woocommerce-secret"))
    static let bigcommerce = DemoSender(subscription: "demo-bigcommerce", credential: .bearer("demo-bigcommerce-key"))
    static let dealerdesk = DemoSender(subscription: "demo-dealerdesk", credential: .bearer("demo-dealerdesk-key"))

    /// The same subscription signing with another secret (a rotation, a wrong secret); for SendGrid, with another
    /// private key.
    func with(secret: String) -> DemoSender {
        switch credential {
        case .signature(let scheme, _):
            DemoSender(subscription: subscription, credential: .signature(scheme, secret: secret))
        case .bearer:
            DemoSender(subscription: subscription, credential: .bearer(secret))
        case .sendgrid:
            DemoSender(subscription: subscription, credential: .sendgrid(privateKey: P256.Signing.PrivateKey().rawRepresentation))
        }
    }

    /// `body` with `headers`, posted to `base` + `/hooks/<subscription>`, signed (or keyed) at `time`.
    func request(base: String, headers: HTTPHeaders, body: [UInt8], at time: Date = Date()) throws -> WebhookRequest {
        let request = WebhookRequest(url: "\(base)/hooks/\(subscription)", headers: headers, body: body)
        switch credential {
        case .signature(let scheme, let secret):
            return try WebhookSigner(scheme: scheme, secret: WebhookSecret(secret)).sign(request, at: time)
        case .bearer(let key):
            var signed = request
            signed.headers.add("Authorization", "Bearer \(key)")
            return signed
        case .sendgrid(let key):
            let timestamp = String(Int(time.timeIntervalSince1970))
            let signature = try P256.Signing.PrivateKey(rawRepresentation: key).signature(for: Array(timestamp.utf8) + body)
            var signed = request
            signed.headers.add("X-Twilio-Email-Event-Webhook-Signature", signature.derRepresentation.base64EncodedString())
            signed.headers.add("X-Twilio-Email-Event-Webhook-Timestamp", timestamp)
            return signed
        }
    }

    /// `hook` posted as this sender posts it.
    func request(base: String, _ hook: SampleHook, at time: Date = Date()) throws -> WebhookRequest {
        try request(base: base, headers: hook.headers, body: hook.body, at: time)
    }
}

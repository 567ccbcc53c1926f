/// How a provider signs its webhooks: which headers carry the signature (and a timestamp or delivery id), which
/// bytes are signed, with which algorithm and encoding. A rule declares the scheme (`verify = "shopify"`), the
/// subscription gives the secrets and any per-subscription setting (Square's notification URL). docs/signatures.md
/// describes each one.
public enum SignatureScheme: Sendable, Hashable {
    /// `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`.
    case github
    /// `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the body>`, keyed with the app's client secret.
    case shopify
    /// `Stripe-Signature: t=<seconds>,v1=<hex>[,v1=<hex>…]` over `t.body`, keyed with the `whsec_…` text as it is.
    case stripe
    /// `X-HubSpot-Signature-v3: <base64>` over method + URI + body + `X-HubSpot-Request-Timestamp` (milliseconds).
    case hubspotV3
    /// `x-square-hmacsha256-signature: <base64>` over the notification URL exactly as registered + the body.
    case square(notificationURL: String)
    /// `X-WC-Webhook-Signature: <base64 HMAC-SHA256 of the body>`.
    case woocommerce
    /// `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64> …` over `id.timestamp.body`, keyed with the
    /// base64 after `whsec_`.
    case standardWebhooks
    /// `X-Twilio-Email-Event-Webhook-Signature: <base64 DER ECDSA P-256>` over timestamp + body; the secret is the
    /// provider's public key (base64 DER SubjectPublicKeyInfo), so this scheme verifies and never signs.
    case sendgrid
    /// An HMAC over the body or a template of it, for systems without a named scheme.
    case hmac(GenericHMAC)

    /// The names rule and subscription files use, in the order docs/signatures.md lists them.
    public static let names = [
        "github", "shopify", "stripe", "hubspot-v3", "square", "woocommerce", "standard-webhooks", "sendgrid", "hmac",
    ]

    public var name: String {
        switch self {
        case .github: "github"
        case .shopify: "shopify"
        case .stripe: "stripe"
        case .hubspotV3: "hubspot-v3"
        case .square: "square"
        case .woocommerce: "woocommerce"
        case .standardWebhooks: "standard-webhooks"
        case .sendgrid: "sendgrid"
        case .hmac: "hmac"
        }
    }

    /// Every header the scheme reads when verifying (and writes when signing): what `hookrules send` replaces in a
    /// capture it re-signs.
    public var headerNames: [String] {
        switch self {
        case .sendgrid: [SendGridSignature.signatureHeader, SendGridSignature.timestampHeader]
        default: hmacLayout?.headerNames ?? []
        }
    }

    /// Whether the signed content carries a timestamp, and so a freshness window applies.
    public var hasTimestamp: Bool {
        switch self {
        case .sendgrid: true
        default: hmacLayout?.timestamp != nil
        }
    }

    /// Whether `WebhookSigner` can sign for this scheme: every HMAC scheme can; SendGrid's secret is a public key.
    public var canSign: Bool { hmacLayout != nil }
}

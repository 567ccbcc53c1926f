/// Every HMAC scheme in one shape: how the secret becomes the key, where the signature (and a timestamp or delivery
/// id) travels, and which bytes are signed. The named schemes are fixed layouts and the generic one is built from
/// its settings, so verifying and signing are each written once, for all of them.
struct HMACLayout: Sendable, Hashable {
    enum KeyFormat: Sendable, Hashable {
        /// The secret's UTF-8 text as it is.
        case text
        /// Stripe's endpoint secret: the whole `whsec_…` text is the key; anything else is a misplaced secret.
        case stripe
        /// Standard Webhooks: the base64 after an optional `whsec_`.
        case standardWebhooks
        case base64
        case hex
    }

    enum SignatureFormat: Sendable, Hashable {
        /// One header: the prefix, then the encoded signature.
        case header(String, prefix: String, encoding: GenericHMAC.Encoding)
        /// `Stripe-Signature: t=<seconds>,v1=<hex>[,v1=<hex>…]`: timestamp and signatures in one header.
        case stripe
        /// `webhook-signature: v1,<base64> v1,<base64>`: space-separated, versioned; versions other than v1 skipped.
        case standardWebhooks
    }

    enum TimestampSource: Sendable, Hashable {
        case header(String, GenericHMAC.TimestampUnit)
        /// The `t=` of `Stripe-Signature`, in seconds.
        case stripe
    }

    enum Part: Sendable, Hashable {
        case body
        case text(String)
        /// The timestamp's text exactly as sent (as signed).
        case timestamp
        case deliveryID
        case method
        case requestURL
        /// The request URL with the characters HubSpot signs unescaped (`HubSpotURI`).
        case hubspotRequestURL
    }

    var algorithm: GenericHMAC.Algorithm = .sha256
    var key: KeyFormat = .text
    var signature: SignatureFormat
    var timestamp: TimestampSource?
    var deliveryIDHeader: String?
    var content: [Part] = [.body]

    var signatureHeader: String {
        switch signature {
        case .header(let name, _, _): name
        case .stripe: StripeSignatureHeader.name
        case .standardWebhooks: StandardWebhooksSignatureHeader.name
        }
    }

    var timestampHeader: String? {
        switch timestamp {
        case .header(let name, _): name
        case .stripe: StripeSignatureHeader.name
        case nil: nil
        }
    }

    var timestampUnit: GenericHMAC.TimestampUnit {
        if case .header(_, let unit) = timestamp { return unit }
        return .seconds
    }

    var headerNames: [String] {
        var names = [signatureHeader]
        for name in [timestampHeader, deliveryIDHeader].compactMap({ $0 }) where !names.contains(name) {
            names.append(name)
        }
        return names
    }
}

extension SignatureScheme {
    /// The layout of every HMAC scheme; nil for SendGrid (ECDSA).
    var hmacLayout: HMACLayout? {
        switch self {
        case .github:
            return HMACLayout(signature: .header("X-Hub-Signature-256", prefix: "sha256=", encoding: .hex))
        case .shopify:
            return HMACLayout(signature: .header("X-Shopify-Hmac-Sha256", prefix: "", encoding: .base64))
        case .woocommerce:
            return HMACLayout(signature: .header("X-WC-Webhook-Signature", prefix: "", encoding: .base64))
        case .square(let notificationURL):
            return HMACLayout(
                signature: .header("x-square-hmacsha256-signature", prefix: "", encoding: .base64),
                content: [.text(notificationURL), .body]
            )
        case .hubspotV3:
            return HMACLayout(
                signature: .header("X-HubSpot-Signature-v3", prefix: "", encoding: .base64),
                timestamp: .header("X-HubSpot-Request-Timestamp", .milliseconds),
                content: [.method, .hubspotRequestURL, .body, .timestamp]
            )
        case .stripe:
            return HMACLayout(key: .stripe, signature: .stripe, timestamp: .stripe, content: [.timestamp, .text("."), .body])
        case .standardWebhooks:
            return HMACLayout(
                key: .standardWebhooks, signature: .standardWebhooks, timestamp: .header("webhook-timestamp", .seconds),
                deliveryIDHeader: "webhook-id", content: [.deliveryID, .text("."), .timestamp, .text("."), .body]
            )
        case .hmac(let generic):
            return HMACLayout(generic)
        case .sendgrid:
            return nil
        }
    }
}

extension HMACLayout {
    init(_ generic: GenericHMAC) {
        let key: KeyFormat = switch generic.secretEncoding {
        case .text: .text
        case .base64: .base64
        case .hex: .hex
        }
        self.init(
            algorithm: generic.algorithm, key: key,
            signature: .header(generic.header, prefix: generic.prefix, encoding: generic.encoding),
            timestamp: generic.timestampHeader.map { .header($0, generic.timestampUnit) },
            deliveryIDHeader: generic.deliveryIDHeader,
            content: generic.signed.map { part in
                switch part {
                case .body: .body
                case .text(let text): .text(text)
                case .timestamp: .timestamp
                case .deliveryID: .deliveryID
                case .method: .method
                case .url: .requestURL
                }
            }
        )
    }
}

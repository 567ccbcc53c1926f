import Crypto
import Foundation
import HookModel
import HookSignatures
import Testing

/// When the fixtures' deliveries are signed (and, unless a test says otherwise, verified).
let signedAt = Date(timeIntervalSince1970: 1_700_000_000)

/// A delivery as a provider would post it: compact JSON with a 64-bit id, addressed to a URL with a query string.
func delivery(body: String = #"{"id":820982911946154508,"email":"jon@example.com"}"#) -> WebhookRequest {
    WebhookRequest(
        method: "POST", url: "https://hooks.example.com/hooks/demo?source=test",
        headers: ["Content-Type": "application/json", "User-Agent": "provider/1.0"], body: Array(body.utf8)
    )
}

/// One scheme with two credentials (the subscription's and another), able to sign deliveries as the provider does:
/// with `WebhookSigner` for every HMAC scheme, with a P-256 private key for SendGrid (whose subscription secret is
/// the matching public key).
struct SchemeFixture: Sendable, CustomTestStringConvertible {
    let scheme: SignatureScheme
    /// What a subscription configures: the secret (or SendGrid public key) first, another one second.
    let secrets: [WebhookSecret]
    private let sendGridKeys: [P256.Signing.PrivateKey]

    var testDescription: String {
        scheme.name == "hmac" ? "hmac (\(scheme.headerNames.joined(separator: ", ")))" : scheme.name
    }

    init(_ scheme: SignatureScheme, _ secret: String, other: String) {
        self.scheme = scheme
        secrets = [WebhookSecret(secret), WebhookSecret(other)]
        sendGridKeys = []
    }

    private init(sendGridKeys: [P256.Signing.PrivateKey]) {
        scheme = .sendgrid
        secrets = sendGridKeys.map { WebhookSecret($0.publicKey.derRepresentation.base64EncodedString()) }
        self.sendGridKeys = sendGridKeys
    }

    func verifier(secrets indices: [Int] = [0], tolerance: Duration = WebhookVerifier.defaultTolerance) throws -> WebhookVerifier {
        try WebhookVerifier(scheme: scheme, secrets: indices.map { secrets[$0] }, tolerance: tolerance)
    }

    func signed(_ request: WebhookRequest, at time: Date = signedAt, secret index: Int = 0) throws -> WebhookRequest {
        guard sendGridKeys.isEmpty else { return SendGridSender.sign(request, with: sendGridKeys[index], at: time) }
        return try WebhookSigner(scheme: scheme, secret: secrets[index]).sign(request, at: time)
    }

    static let genericPlain = try! SignatureScheme.hmac(
        GenericHMAC(algorithm: .sha512, encoding: .hex, header: "X-Signature", prefix: "sha512=")
    )
    static let genericTimestamped = try! SignatureScheme.hmac(
        GenericHMAC(
            algorithm: .sha1, encoding: .base64, header: "X-Signature", signed: [.timestamp, .text("."), .body],
            timestampHeader: "X-Timestamp", timestampUnit: .milliseconds, secretEncoding: .base64
        )
    )
    static let genericEverything = try! SignatureScheme.hmac(
        GenericHMAC(
            algorithm: .sha256, encoding: .hex, header: "X-Sig", prefix: "v1=",
            signed: [.method, .text(" "), .url, .text("\n"), .deliveryID, .text("\n"), .timestamp, .text("\n"), .body],
            timestampHeader: "X-Sig-Time", deliveryIDHeader: "X-Sig-Id"
        )
    )

    static let sendgrid = SchemeFixture(sendGridKeys: [
        try! P256.Signing.PrivateKey(rawRepresentation: [UInt8](1...32)),
        try! P256.Signing.PrivateKey(rawRepresentation: [UInt8](33...64)),
    ])

    /// Every scheme, the generic HMAC in three shapes.
    static let all: [SchemeFixture] = hmac + [sendgrid]

    static let hmac: [SchemeFixture] = [
        SchemeFixture(.github, "It's a Secret to Everybody", other: "another secret"),
        SchemeFixture(.shopify, "hush", other: "shh"),
        SchemeFixture(.stripe, "whsec_test_secret", other: "whsec_rolled_secret"),
        SchemeFixture(.hubspotV3, "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy", other: "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz"),
        SchemeFixture(.square(notificationURL: "https://webhook.site/webhooks"), "signature-key", other: "other-key"),
        SchemeFixture(.woocommerce, "hush", other: "shh"),
        SchemeFixture(.standardWebhooks, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", other: "whsec_c2VjcmV0LW9mLWEtcm90YXRlZC1lbmRwb2ludA=="),
        SchemeFixture(genericPlain, "generic-secret", other: "generic-other"),
        SchemeFixture(genericTimestamped, "c2VjcmV0LWtleS1ieXRlcw==", other: "b3RoZXIta2V5LWJ5dGVz"),
        SchemeFixture(genericEverything, "everything-secret", other: "everything-other"),
    ]

    static var timestamped: [SchemeFixture] { all.filter(\.scheme.hasTimestamp) }
}

/// Signs as SendGrid does: ECDSA P-256 over the timestamp's text followed by the body, DER, base64.
enum SendGridSender {
    static func sign(_ request: WebhookRequest, with key: P256.Signing.PrivateKey, at time: Date) -> WebhookRequest {
        let timestamp = String(Int64(time.timeIntervalSince1970))
        var hasher = SHA256()
        hasher.update(data: Array(timestamp.utf8))
        hasher.update(data: request.body)
        let signature = try! key.signature(for: hasher.finalize())
        var signed = request
        signed.headers.add("X-Twilio-Email-Event-Webhook-Signature", signature.derRepresentation.base64EncodedString())
        signed.headers.add("X-Twilio-Email-Event-Webhook-Timestamp", timestamp)
        return signed
    }
}

extension WebhookRequest {
    /// This request with every field named `name` (any case) removed.
    func removing(header name: String) -> WebhookRequest {
        var copy = self
        copy.headers = HTTPHeaders(headers.fields.filter { $0.name.lowercased() != name.lowercased() })
        return copy
    }

    func adding(header name: String, _ value: String) -> WebhookRequest {
        var copy = self
        copy.headers.add(name, value)
        return copy
    }

    /// The value of `name` as sent (the first field of that name, any case).
    func value(of name: String) -> String? {
        headers.fields.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

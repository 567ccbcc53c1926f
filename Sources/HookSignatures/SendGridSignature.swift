import Crypto
import Foundation

/// SendGrid's signed Event Webhook: an ECDSA P-256 / SHA-256 signature (base64 of its DER form) over the timestamp
/// header's text followed by the body, checked with the public key SendGrid shows for the webhook (base64 DER
/// SubjectPublicKeyInfo). Only SendGrid holds the private key, so this scheme verifies and never signs.
enum SendGridSignature {
    static let signatureHeader = "X-Twilio-Email-Event-Webhook-Signature"
    static let timestampHeader = "X-Twilio-Email-Event-Webhook-Timestamp"

    static func publicKey(from secret: WebhookSecret, position: Int) throws(SignatureConfigurationError) -> P256.Signing.PublicKey {
        guard let der = ByteEncoding.bytes(fromBase64: secret.value),
            let key = try? P256.Signing.PublicKey(derRepresentation: der)
        else {
            throw .badSecret(scheme: "sendgrid", position: position, reason: "is not a base64 DER P-256 public key")
        }
        return key
    }

    static func verify(
        _ request: WebhookRequest, keys: [P256.Signing.PublicKey], freshness: Freshness, now: Date
    ) throws(SignatureFailure) -> Verification {
        let encoded = try request.headers.signatureValue(signatureHeader)
        guard let der = ByteEncoding.bytes(fromBase64: encoded),
            let signature = try? P256.Signing.ECDSASignature(derRepresentation: der)
        else { throw .malformedHeader(signatureHeader, reason: "is not a base64 DER ECDSA signature") }
        let timestampText = try request.headers.signatureValue(timestampHeader)
        let timestamp = try Freshness.parse(timestampText, header: timestampHeader)

        var hasher = SHA256()
        hasher.update(data: Array(timestampText.utf8))
        hasher.update(data: request.body)
        let digest = hasher.finalize()
        guard let matched = keys.firstIndex(where: { $0.isValidSignature(signature, for: digest) }) else {
            throw .noSignatureMatched(signatures: 1, secrets: keys.count)
        }
        try freshness.check(timestamp, now: now)
        return Verification(secretIndex: matched)
    }
}

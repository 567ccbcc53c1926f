/// `Stripe-Signature: t=1700000000,v1=<hex>,v1=<hex>,v0=<hex>`: the timestamp Stripe signed and one `v1` HMAC per
/// active endpoint secret (two while a secret is being rolled). Other schemes (`v0`, test-mode extras) are skipped,
/// as Stripe's libraries do.
enum StripeSignatureHeader {
    static let name = "Stripe-Signature"

    static func parse(_ value: String) throws(SignatureFailure) -> (timestamp: String, signatures: [[UInt8]]) {
        var timestamp: String?
        var signatures: [[UInt8]] = []
        for element in value.split(separator: ",") {
            let pair = element.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else { throw .malformedHeader(name, reason: "has an element without \"=\"") }
            switch pair[0].trimmingSpaces {
            case "t":
                guard timestamp == nil else { throw .malformedHeader(name, reason: "has more than one t=") }
                timestamp = pair[1].trimmingSpaces
            case "v1":
                guard let signature = ByteEncoding.bytes(fromHex: pair[1].trimmingSpaces), !signature.isEmpty else {
                    throw .malformedHeader(name, reason: "has a v1= that is not hex")
                }
                signatures.append(signature)
            default:
                continue
            }
        }
        guard let timestamp else { throw .malformedHeader(name, reason: "has no t=") }
        guard !signatures.isEmpty else { throw .malformedHeader(name, reason: "has no v1= signature") }
        return (timestamp, signatures)
    }

    static func format(timestamp: String, signature: [UInt8]) -> String {
        "t=\(timestamp),v1=\(ByteEncoding.hex(signature))"
    }
}

/// `webhook-signature: v1,<base64> v1,<base64>`: space-separated signatures, each `version,signature`; the
/// Standard Webhooks specification's `v1` is HMAC-SHA256, others (`v1a`, asymmetric) are skipped.
enum StandardWebhooksSignatureHeader {
    static let name = "webhook-signature"

    static func parse(_ value: String) throws(SignatureFailure) -> [[UInt8]] {
        var signatures: [[UInt8]] = []
        for entry in value.split(separator: " ") {
            let pair = entry.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else { throw .malformedHeader(name, reason: "has an entry without a version") }
            guard pair[0] == "v1" else { continue }
            guard let signature = ByteEncoding.bytes(fromBase64: pair[1]), !signature.isEmpty else {
                throw .malformedHeader(name, reason: "has a v1 signature that is not base64")
            }
            signatures.append(signature)
        }
        guard !signatures.isEmpty else { throw .malformedHeader(name, reason: "has no v1 signature") }
        return signatures
    }

    static func format(signature: [UInt8]) -> String {
        "v1,\(ByteEncoding.base64(signature))"
    }
}

import Crypto

extension HMACLayout {
    /// The HMAC key a secret stands for under this layout, or why it cannot be one (checked at load, so a
    /// misconfigured secret never reaches a request).
    func key(from secret: WebhookSecret, scheme: String, position: Int) throws(SignatureConfigurationError) -> SymmetricKey {
        func bad(_ reason: String) -> SignatureConfigurationError {
            .badSecret(scheme: scheme, position: position, reason: reason)
        }
        let bytes: [UInt8]
        switch key {
        case .text:
            bytes = secret.bytes
        case .stripe:
            guard secret.value.hasPrefix("whsec_") else {
                throw bad("is not a Stripe endpoint signing secret (those start with whsec_)")
            }
            bytes = secret.bytes
        case .standardWebhooks:
            let encoded = secret.value.hasPrefix("whsec_") ? secret.value.dropFirst(6) : Substring(secret.value)
            guard let decoded = ByteEncoding.bytes(fromBase64: encoded) else { throw bad("is not whsec_ followed by base64") }
            bytes = decoded
        case .base64:
            guard let decoded = ByteEncoding.bytes(fromBase64: secret.value) else { throw bad("is not base64") }
            bytes = decoded
        case .hex:
            guard let decoded = ByteEncoding.bytes(fromHex: secret.value) else { throw bad("is not hex") }
            bytes = decoded
        }
        guard !bytes.isEmpty else { throw bad("is empty") }
        return SymmetricKey(data: bytes)
    }
}

extension GenericHMAC.Algorithm {
    /// The HMAC of the parts, in order, as if they were one byte string (the body is never copied to join them).
    func authenticationCode(key: SymmetricKey, parts: [[UInt8]]) -> [UInt8] {
        switch self {
        case .sha1: Array(Self.code(Insecure.SHA1.self, key: key, parts: parts))
        case .sha256: Array(Self.code(SHA256.self, key: key, parts: parts))
        case .sha512: Array(Self.code(SHA512.self, key: key, parts: parts))
        }
    }

    /// Whether any candidate is the HMAC of the parts. The code is computed once and compared with each candidate
    /// by the MAC's `==`, swift-crypto's constant-time comparison (the one `HMAC.isValidAuthenticationCode` uses,
    /// which would hash the whole body again for every candidate). Every candidate is compared, so the time taken
    /// does not tell which one matched.
    func matches(any candidates: [[UInt8]], key: SymmetricKey, parts: [[UInt8]]) -> Bool {
        switch self {
        case .sha1: Self.matches(Self.code(Insecure.SHA1.self, key: key, parts: parts), candidates)
        case .sha256: Self.matches(Self.code(SHA256.self, key: key, parts: parts), candidates)
        case .sha512: Self.matches(Self.code(SHA512.self, key: key, parts: parts), candidates)
        }
    }

    private static func code<H: HashFunction>(_: H.Type, key: SymmetricKey, parts: [[UInt8]]) -> HMAC<H>.MAC {
        var hmac = HMAC<H>(key: key)
        for part in parts { hmac.update(data: part) }
        return hmac.finalize()
    }

    private static func matches<H: HashFunction>(_ code: HMAC<H>.MAC, _ candidates: [[UInt8]]) -> Bool {
        var matched = false
        for candidate in candidates where code == candidate { matched = true }
        return matched
    }
}

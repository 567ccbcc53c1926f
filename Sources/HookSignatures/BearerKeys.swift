import Crypto
import HookModel

/// `Authorization: Bearer <key>` checked against a subscription's keys (several during a rotation). The keys are
/// kept as SHA-256 digests and the presented key is hashed and compared with each by the digest's `==`, which
/// swift-crypto implements in constant time; equal-length digests also keep a key's length from showing in the
/// timing. swift-crypto has no public constant-time comparison of plain byte strings, hence the digests.
public struct BearerKeys: Sendable {
    public static let header = "Authorization"
    private let digests: [SHA256Digest]

    public init(_ keys: [WebhookSecret]) throws(SignatureConfigurationError) {
        guard !keys.isEmpty else { throw .noSecrets(scheme: "bearer") }
        var digests: [SHA256Digest] = []
        for (offset, key) in keys.enumerated() {
            guard key.value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else {
                throw .badSecret(scheme: "bearer", position: offset + 1, reason: "must be printable ASCII without spaces")
            }
            digests.append(SHA256.hash(data: key.bytes))
        }
        self.digests = digests
    }

    public var count: Int { digests.count }

    @discardableResult
    public func verify(_ headers: HTTPHeaders) throws(SignatureFailure) -> Verification {
        let value = try headers.signatureValue(Self.header)
        let credential = value.split(separator: " ", maxSplits: 1)
        guard credential.count == 2, credential[0].lowercased() == "bearer" else {
            throw .malformedHeader(Self.header, reason: "is not a Bearer credential")
        }
        let presented = SHA256.hash(data: Array(credential[1].trimmingSpaces.utf8))
        var matched: Int?
        for (index, digest) in digests.enumerated() where digest == presented { matched = matched ?? index }
        guard let matched else { throw .bearerKeyNotAccepted }
        return Verification(secretIndex: matched)
    }

    /// The header that presents `key`, for a client (`hookrules send`).
    public static func authorization(_ key: WebhookSecret) -> HTTPHeaders {
        [header: "Bearer \(key.value)"]
    }
}

/// Why a request failed authentication: for the server's log and its store of rejected hooks (the sender gets a
/// bare 401). Messages name headers and counts, never a header's value or a secret: a wrong Bearer key may be a
/// real key of another subscription.
public enum SignatureFailure: Error, Sendable, Hashable, CustomStringConvertible {
    case missingHeader(String)
    /// The header came more than once with different values: which one the sender meant is unknowable.
    case conflictingHeader(String)
    case malformedHeader(String, reason: String)
    /// No signature in the request is the HMAC (or ECDSA signature) of its content under any configured secret.
    case noSignatureMatched(signatures: Int, secrets: Int)
    /// A valid signature over a timestamp older than the tolerance: a replay, or a sender's clock far behind.
    case timestampTooOld(header: String, age: Duration, tolerance: Duration)
    /// A valid signature over a timestamp ahead of the tolerance: a sender's clock far ahead.
    case timestampInFuture(header: String, ahead: Duration, tolerance: Duration)
    /// The Bearer key is none of the configured keys.
    case bearerKeyNotAccepted

    /// A stable word per kind of failure, for metric labels and the rejected-hooks store.
    public var code: String {
        switch self {
        case .missingHeader: "missing_header"
        case .conflictingHeader: "conflicting_header"
        case .malformedHeader: "malformed_header"
        case .noSignatureMatched: "no_signature_matched"
        case .timestampTooOld: "timestamp_too_old"
        case .timestampInFuture: "timestamp_in_future"
        case .bearerKeyNotAccepted: "bearer_key_not_accepted"
        }
    }

    public var description: String {
        switch self {
        case .missingHeader(let name):
            return "header \(name) is missing"
        case .conflictingHeader(let name):
            return "header \(name) is given more than once with different values"
        case .malformedHeader(let name, let reason):
            return "header \(name) \(reason)"
        case .noSignatureMatched(let signatures, let secrets):
            let signed = signatures == 1 ? "the signature" : "none of the \(signatures) signatures"
            let keys = secrets == 1 ? "the secret" : "any of the \(secrets) secrets"
            return "\(signed) does not match \(keys)"
        case .timestampTooOld(let header, let age, let tolerance):
            return "timestamp in \(header) is \(age) old (tolerance \(tolerance))"
        case .timestampInFuture(let header, let ahead, let tolerance):
            return "timestamp in \(header) is \(ahead) in the future (tolerance \(tolerance))"
        case .bearerKeyNotAccepted:
            return "the Bearer key is not one of the subscription's keys"
        }
    }
}

/// A request that passed: which configured secret (or Bearer key) it matched, 0 for the first, so a rotation can
/// tell when the old secret is no longer used.
public struct Verification: Sendable, Hashable {
    public let secretIndex: Int

    public init(secretIndex: Int) {
        self.secretIndex = secretIndex
    }
}

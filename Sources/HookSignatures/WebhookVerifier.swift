import Crypto
import Foundation

/// Checks one subscription's webhooks against its scheme and secrets. Built at load — every secret is turned into
/// its key there, so a secret of the wrong form fails the load, not a request — then shared by every request.
///
/// Several secrets verify during a rotation: a request passes when any signature it carries matches any secret.
/// The signature is checked before the timestamp, so a forged request is reported as unsigned, and only a genuine
/// but stale (or future) delivery as a timestamp failure.
public struct WebhookVerifier: Sendable {
    public static let defaultTolerance: Duration = .seconds(300)
    /// The longest freshness window accepted: longer is a misconfiguration (it would let a year-old capture replay).
    public static let maximumTolerance: Duration = .seconds(7 * 24 * 3600)

    public let scheme: SignatureScheme
    public let tolerance: Duration
    public let secretCount: Int
    private let keys: Keys

    private enum Keys: Sendable {
        case hmac(HMACLayout, [SymmetricKey])
        case sendgrid([P256.Signing.PublicKey])
    }

    public init(
        scheme: SignatureScheme, secrets: [WebhookSecret], tolerance: Duration = defaultTolerance
    ) throws(SignatureConfigurationError) {
        guard !secrets.isEmpty else { throw .noSecrets(scheme: scheme.name) }
        guard tolerance >= .zero, tolerance <= Self.maximumTolerance else {
            throw .invalidSetting(scheme: scheme.name, setting: "tolerance", reason: "must be between 0 s and 7 days")
        }
        if let layout = scheme.hmacLayout {
            var symmetricKeys: [SymmetricKey] = []
            for (offset, secret) in secrets.enumerated() {
                symmetricKeys.append(try layout.key(from: secret, scheme: scheme.name, position: offset + 1))
            }
            keys = .hmac(layout, symmetricKeys)
        } else {
            var publicKeys: [P256.Signing.PublicKey] = []
            for (offset, secret) in secrets.enumerated() {
                publicKeys.append(try SendGridSignature.publicKey(from: secret, position: offset + 1))
            }
            keys = .sendgrid(publicKeys)
        }
        self.scheme = scheme
        self.tolerance = tolerance
        secretCount = secrets.count
    }

    /// A verifier from a rule's scheme name and a subscription's settings as written in YAML (`notification_url`,
    /// the generic HMAC's settings, and `tolerance`: seconds, or a number with `s`, `m` or `h`, for schemes with a
    /// timestamp). Unknown names and settings fail with the list of known ones.
    public init(name: String, settings: [String: String], secrets: [WebhookSecret]) throws(SignatureConfigurationError) {
        var schemeSettings = settings
        let toleranceText = schemeSettings.removeValue(forKey: "tolerance")
        let scheme = try SignatureScheme(name: name, settings: schemeSettings)
        var tolerance = Self.defaultTolerance
        if let toleranceText {
            guard scheme.hasTimestamp else {
                throw .invalidSetting(scheme: scheme.name, setting: "tolerance", reason: "does not apply: this scheme signs no timestamp")
            }
            tolerance = try ToleranceSetting.parse(toleranceText, scheme: scheme.name)
        }
        try self.init(scheme: scheme, secrets: secrets, tolerance: tolerance)
    }

    /// Passes, saying which secret matched, or throws why not.
    @discardableResult
    public func verify(_ request: WebhookRequest, now: Date) throws(SignatureFailure) -> Verification {
        switch keys {
        case .hmac(let layout, let symmetricKeys):
            return try verify(request, layout: layout, keys: symmetricKeys, now: now)
        case .sendgrid(let publicKeys):
            return try SendGridSignature.verify(request, keys: publicKeys, freshness: freshness(SendGridSignature.timestampHeader, .seconds), now: now)
        }
    }

    private func verify(
        _ request: WebhookRequest, layout: HMACLayout, keys: [SymmetricKey], now: Date
    ) throws(SignatureFailure) -> Verification {
        let headers = request.headers
        var content = SignedContent()
        let candidates: [[UInt8]]
        switch layout.signature {
        case .header(let name, let prefix, let encoding):
            let value = try headers.signatureValue(name)
            guard value.hasPrefix(prefix) else { throw .malformedHeader(name, reason: "does not start with \"\(prefix)\"") }
            guard let signature = ByteEncoding.decode(value.dropFirst(prefix.count), as: encoding), !signature.isEmpty else {
                throw .malformedHeader(name, reason: "is not \(encoding.rawValue)")
            }
            candidates = [signature]
        case .stripe:
            (content.timestamp, candidates) = try StripeSignatureHeader.parse(headers.signatureValue(StripeSignatureHeader.name))
        case .standardWebhooks:
            candidates = try StandardWebhooksSignatureHeader.parse(headers.signatureValue(StandardWebhooksSignatureHeader.name))
        }
        if case .header(let name, _) = layout.timestamp { content.timestamp = try headers.signatureValue(name) }
        var timestamp: Int64?
        if let header = layout.timestampHeader { timestamp = try Freshness.parse(content.timestamp, header: header) }
        if let name = layout.deliveryIDHeader { content.deliveryID = try headers.signatureValue(name) }

        let parts = content.parts(layout.content, of: request)
        var matched: Int?
        for (index, key) in keys.enumerated() where layout.algorithm.matches(any: candidates, key: key, parts: parts) {
            matched = matched ?? index
        }
        guard let matched else { throw .noSignatureMatched(signatures: candidates.count, secrets: keys.count) }
        if let timestamp, let header = layout.timestampHeader {
            try freshness(header, layout.timestampUnit).check(timestamp, now: now)
        }
        return Verification(secretIndex: matched)
    }

    private func freshness(_ header: String, _ unit: GenericHMAC.TimestampUnit) -> Freshness {
        Freshness(tolerance: tolerance, header: header, unit: unit)
    }
}

enum ToleranceSetting {
    /// `300`, `300s`, `5m`, `1h`.
    static func parse(_ text: String, scheme: String) throws(SignatureConfigurationError) -> Duration {
        let trimmed = text.trimmingSpaces
        let multiplier: Int64
        let digits: Substring
        switch trimmed.last {
        case "s": (multiplier, digits) = (1, trimmed.dropLast())
        case "m": (multiplier, digits) = (60, trimmed.dropLast())
        case "h": (multiplier, digits) = (3600, trimmed.dropLast())
        default: (multiplier, digits) = (1, Substring(trimmed))
        }
        guard !digits.isEmpty, digits.count <= 9, digits.utf8.allSatisfy({ (48...57).contains($0) }), let count = Int64(digits)
        else {
            throw .invalidSetting(scheme: scheme, setting: "tolerance", reason: "must be seconds, or a number with s, m or h (\"300\", \"5m\")")
        }
        return .seconds(count * multiplier)
    }
}

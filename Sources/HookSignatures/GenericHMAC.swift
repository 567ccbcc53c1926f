/// An HMAC signature of a system without a named scheme: which algorithm, which header, how the signature is
/// encoded and prefixed, and what is signed — the raw body, or a template joining the body with a timestamp, a
/// delivery id, the method or the URL, each taken from the request.
///
/// The template is text with placeholders: `{body}` (required), `{timestamp}` (needs `timestampHeader`; a
/// freshness window then applies), `{id}` (needs `deliveryIDHeader`), `{method}`, `{url}` (the request URL as the
/// sender addressed it). Everything else is literal, so `"{timestamp}.{body}"` signs the timestamp header's value,
/// a dot, then the body's bytes.
public struct GenericHMAC: Sendable, Hashable {
    public enum Algorithm: String, Sendable, Hashable, CaseIterable {
        case sha1, sha256, sha512
    }

    public enum Encoding: String, Sendable, Hashable, CaseIterable {
        case hex, base64
    }

    /// How the configured secret turns into the HMAC key: its UTF-8 text as it is (what most providers do), or the
    /// bytes it encodes.
    public enum SecretEncoding: String, Sendable, Hashable, CaseIterable {
        case text, base64, hex
    }

    public enum TimestampUnit: String, Sendable, Hashable, CaseIterable {
        case seconds, milliseconds
    }

    /// One piece of the signed content, in order.
    public enum Part: Sendable, Hashable {
        case body
        case text(String)
        case timestamp
        case deliveryID
        case method
        case url
    }

    public let algorithm: Algorithm
    public let encoding: Encoding
    public let header: String
    /// Text before the encoded signature in the header (`sha256=`); empty for none.
    public let prefix: String
    public let signed: [Part]
    public let timestampHeader: String?
    public let timestampUnit: TimestampUnit
    public let deliveryIDHeader: String?
    public let secretEncoding: SecretEncoding

    /// Checks that the pieces agree: the body is signed, a signed timestamp or id has a header to come from, and a
    /// timestamp or id header is signed (an unsigned timestamp proves nothing about freshness).
    public init(
        algorithm: Algorithm, encoding: Encoding, header: String, prefix: String = "", signed: [Part] = [.body],
        timestampHeader: String? = nil, timestampUnit: TimestampUnit = .seconds, deliveryIDHeader: String? = nil,
        secretEncoding: SecretEncoding = .text
    ) throws(SignatureConfigurationError) {
        func invalid(_ setting: String, _ reason: String) -> SignatureConfigurationError {
            .invalidSetting(scheme: "hmac", setting: setting, reason: reason)
        }
        guard HeaderName.isValid(header) else { throw invalid("header", "must be a header name") }
        guard signed.contains(.body) else { throw invalid("signed", "must contain {body}") }
        try Self.check(header: timestampHeader, named: "timestamp_header", signs: signed.contains(.timestamp), as: "{timestamp}")
        try Self.check(header: deliveryIDHeader, named: "id_header", signs: signed.contains(.deliveryID), as: "{id}")
        self.algorithm = algorithm
        self.encoding = encoding
        self.header = header
        self.prefix = prefix
        self.signed = signed
        self.timestampHeader = timestampHeader
        self.timestampUnit = timestampUnit
        self.deliveryIDHeader = deliveryIDHeader
        self.secretEncoding = secretEncoding
    }

    private static func check(
        header: String?, named setting: String, signs: Bool, as placeholder: String
    ) throws(SignatureConfigurationError) {
        guard let header else {
            if signs { throw .missingSetting(scheme: "hmac", setting: setting) }
            return
        }
        guard signs else {
            throw .invalidSetting(scheme: "hmac", setting: setting, reason: "is set but \(placeholder) is not in signed")
        }
        guard HeaderName.isValid(header) else {
            throw .invalidSetting(scheme: "hmac", setting: setting, reason: "must be a header name")
        }
    }
}

enum HeaderName {
    /// An HTTP token (RFC 9110): letters, digits and a few marks, never empty.
    static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}

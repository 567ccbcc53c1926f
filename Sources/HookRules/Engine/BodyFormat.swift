import HookModel

/// How a hook's body reaches its rule as `hook.body` (docs/runtime.md, "Which decoder a body gets"). `hook.raw`
/// always holds the bytes as received, whatever the format.
public enum BodyFormat: String, Sendable, CaseIterable {
    /// Decoded as JSON (lazily: checked whole before the rule runs).
    case json
    /// An `application/x-www-form-urlencoded` body, a table of its names' values.
    case form
    /// An XML document, decoded into tables.
    case xml
    /// Not decoded: `hook.body` is nil and the rule reads `hook.raw`. Nothing can fail before the rule runs.
    case raw

    /// The format of `hook`'s body: the rule's own choice (`body = "xml"`) when it made one, else its Content-Type,
    /// else, without one, sniffed from the first byte. nil for an empty body, which is `hook.body == nil` whatever
    /// the format.
    public static func of(_ hook: Hook, ruleChoice: BodyFormat?) -> BodyFormat? {
        guard !hook.body.isEmpty else { return nil }
        if let ruleChoice { return ruleChoice }
        return BodyFormat(contentType: hook.headers["content-type"]) ?? sniffed(hook.body)
    }

    /// The format a Content-Type names, compared without case and without its parameters (`; charset=utf-8`): JSON
    /// for `application/json` and any `+json` type, a form for `application/x-www-form-urlencoded`, XML for
    /// `text/xml`, `application/xml` and any `+xml` type (`application/soap+xml`), raw for any other type. nil when
    /// there is no Content-Type (missing or blank).
    public init?(contentType: String?) {
        let trimmed = (contentType ?? "").prefix { $0 != ";" }.drop(while: \.isWhitespace)
        let mediaType = String(trimmed.reversed().drop(while: \.isWhitespace).reversed()).lowercased()
        switch mediaType {
        case "": return nil
        case "application/json": self = .json
        case "application/x-www-form-urlencoded": self = .form
        case "text/xml", "application/xml": self = .xml
        case _ where mediaType.hasSuffix("+json"): self = .json
        case _ where mediaType.hasSuffix("+xml"): self = .xml
        default: self = .raw
        }
    }

    /// A body without a Content-Type is JSON when its first byte other than whitespace (after a UTF-8 byte order
    /// mark) is `{` or `[`, and raw otherwise: senders that leave the header out send JSON objects and arrays, and
    /// anything else reaches the rule undecoded rather than failing before it runs.
    static func sniffed(_ body: [UInt8]) -> BodyFormat {
        var bytes = body[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        let first = bytes.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
        return first == UInt8(ascii: "{") || first == UInt8(ascii: "[") ? .json : .raw
    }
}

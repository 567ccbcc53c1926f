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
        // Byte by byte: this runs for every hook, and Character-based trimming and lower-casing cost more than the
        // rest of choosing the decoder. Media types are ASCII; a byte beyond it is left as it is, and matches nothing.
        var utf8 = (contentType ?? "").utf8[...]
        if let semicolon = utf8.firstIndex(of: UInt8(ascii: ";")) { utf8 = utf8[..<semicolon] }
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        while let first = utf8.first, isSpace(first) { utf8 = utf8.dropFirst() }
        while let last = utf8.last, isSpace(last) { utf8 = utf8.dropLast() }
        let mediaType = utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        func `is`(_ name: StaticString) -> Bool {
            mediaType.elementsEqual(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        }
        func ends(with suffix: StaticString) -> Bool {
            let suffix = UnsafeBufferPointer(start: suffix.utf8Start, count: suffix.utf8CodeUnitCount)
            return mediaType.count > suffix.count && mediaType.suffix(suffix.count).elementsEqual(suffix)
        }
        if mediaType.isEmpty { return nil }
        if `is`("application/json") || ends(with: "+json") {
            self = .json
        } else if `is`("application/x-www-form-urlencoded") {
            self = .form
        } else if `is`("text/xml") || `is`("application/xml") || ends(with: "+xml") {
            self = .xml
        } else {
            self = .raw
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

import HookModel
import HookRules

/// A case's expectation written the way the fixture files are written by hand, so a case `--update` rewrites reads
/// like its neighbours: block keys, and one flow mapping per request or ignored record on its own line.
///
/// ```yaml
/// requests:
///   - { scope: product/updated, externalId: "788032119674292900", origin: { kind: variant, externalId: "6" } }
/// ignored:
///   - { record: 2, event: themes/publish, reason: "event \"themes/publish\" is not mapped by this rule" }
/// error: "the record has no id"
/// ```
enum ExpectationText {
    /// The lines, unindented. An expectation of nothing at all is written `requests: []`, so the case says so.
    static func lines(_ expected: ExpectedOutcome) -> [String] {
        var lines: [String] = []
        if expected.match == .contains { lines.append("match: contains") }
        if !expected.requests.isEmpty {
            lines.append("requests:")
            lines += expected.requests.map { "  - " + flow(fields(of: $0)) }
        }
        if let ignored = expected.ignored, !ignored.isEmpty {
            lines.append("ignored:")
            lines += ignored.map { "  - " + flow(fields(of: $0)) }
        }
        if let error = expected.error { lines.append("error: " + quoted(error)) }
        return lines.isEmpty ? ["requests: []"] : lines
    }

    private static func fields(of request: ExpectedRequest) -> [(String, String)] {
        var pairs = [("scope", plainOrQuoted(request.scope)), ("externalId", quoted(request.externalId))]
        if request.direction != .to { pairs.append(("direction", request.direction.rawValue)) }
        if request.childRequest { pairs.append(("childRequest", "true")) }
        if let parent = request.parent { pairs.append(("parent", flow(fields(of: parent)))) }
        if let origin = request.origin { pairs.append(("origin", flow(fields(of: origin)))) }
        if request.deleteTriggered { pairs.append(("deleteTriggered", "true")) }
        return pairs
    }

    private static func fields(of link: RequestLink) -> [(String, String)] {
        [("kind", plainOrQuoted(link.kind)), ("externalId", quoted(link.externalId))]
    }

    private static func fields(of ignored: ExpectedIgnore) -> [(String, String)] {
        var pairs = [("record", String(ignored.record))]
        if let event = ignored.event { pairs.append(("event", plainOrQuoted(event))) }
        pairs.append(("reason", quoted(ignored.reason)))
        return pairs
    }

    private static func flow(_ fields: [(String, String)]) -> String {
        "{ " + fields.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + " }"
    }

    /// Words YAML 1.1 reads as booleans or null when plain.
    private static let specialWords: Set<String> = [
        "y", "yes", "n", "no", "true", "false", "on", "off", "null", "~",
    ]

    /// Plain when the text is a simple name (`customers/merge`, `order message`) YAML reads back as that text in a
    /// flow mapping, double-quoted otherwise.
    static func plainOrQuoted(_ text: String) -> String {
        let simple = text.wholeMatch(of: /[A-Za-z_][A-Za-z0-9_.\/ -]*/) != nil
            && !text.hasSuffix(" ") && !specialWords.contains(text.lowercased())
        return simple ? text : quoted(text)
    }

    /// A YAML double-quoted scalar: reads back as exactly `text`, whatever it holds.
    /// Other control characters, line and paragraph separators and the byte order mark are written `\uXXXX`.
    static func quoted(_ text: String) -> String {
        text.doubleQuoted { scalar in
            let value = scalar.value
            guard value < 0x20 || value == 0x7F || (0x80...0x9F).contains(value) || value == 0x2028 || value == 0x2029
                || value == 0xFEFF
            else { return nil }
            let hex = String(value, radix: 16, uppercase: true)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
    }
}

import LuaRuntime

/// Where things are written in a rule file's source, for messages and traces that point at the right line. Lua
/// cannot say: `return rule { ... }` is a tail call, so the file's own frame is gone while `rule` runs, and the
/// table given to `rule` keeps no lines. So the text is searched, comments cut off first.
struct RuleSourceLines {
    /// Each line's code, comments cut off (line n at index n - 1).
    private let code: [Substring]
    /// The line of the rule file's `rule {` call (1 when there is none).
    let ruleCallLine: Int

    init(_ script: LuaScript) {
        let text = String(decoding: script.text, as: UTF8.self)
        code = text.splitLines().map {
            $0.split(separator: "--", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        }
        ruleCallLine = (code.firstIndex { $0.contains(/\brule\s*[{(]/) } ?? 0) + 1
    }

    /// The first line from `start` on where `key` is written as a table key: `["key"]`, `['key']`, or, when it is a
    /// Lua name, `key =`. Nil when it is not written literally (a key built in code).
    func line(ofKey key: String, from start: Int) -> Int? {
        let bracketed = ["[\"\(key)\"]", "['\(key)']"]
        let named = Self.isName(key) ? try? Regex("(?:^|[\\s{,;])\(key)\\s*=(?!=)") : nil
        return firstLine(from: start) { code in
            bracketed.contains { Self.code(code, contains: $0) } || named.map { code.contains($0) } == true
        }
    }

    /// The first line from `start` on holding the string literal `"text"` or `'text'`.
    func line(ofString text: String, from start: Int) -> Int? {
        let literals = ["\"\(text)\"", "'\(text)'"]
        return firstLine(from: start) { code in literals.contains { Self.code(code, contains: $0) } }
    }

    private func firstLine(from start: Int, where matches: (Substring) -> Bool) -> Int? {
        let first = max(start, 1) - 1
        guard first < code.count else { return nil }
        return code[first...].firstIndex(where: matches).map { $0 + 1 }
    }

    private static func code(_ code: Substring, contains text: String) -> Bool {
        code.utf8.firstRange(of: text.utf8) != nil
    }

    private static func isName(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return key.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) }
    }
}

import Foundation
import HookRules
import HookRulesConfig
import Yams

/// Edits a fixture file's text in place, case by case, so that everything it does not rewrite stays byte for byte.
///
/// Where each case and each of its keys starts comes from the parsed YAML (``Node/mark``); a key's text runs to the
/// line before the next key of its case, and a case's to the line before the next case, less the blank and
/// comment lines at their end (those belong between them). A case written in block style with each key on its own
/// line has only its expectation keys (`match`, `requests`, `ignored`, `error`) replaced, where the first of them
/// was (else after its last key); any other case is written anew in its place.
struct FixtureSourceEditor {
    struct EditError: Error, CustomStringConvertible {
        let description: String
    }

    static let expectationKeys: Set<String> = ["match", "requests", "ignored", "error"]

    private let lines: [Substring]
    private let path: String
    private let cases: [FixtureCase]
    /// Appended to every written line when the file's lines end with CR LF.
    private let carriageReturn: String

    init(source: String, path: String, cases: [FixtureCase]) {
        lines = source.splitLines()
        self.path = path
        self.cases = cases
        carriageReturn = lines.first?.hasSuffix("\r") == true ? "\r" : ""
    }

    /// The text with the expectations of the cases at these indexes replaced.
    func replacingExpectations(_ expectations: [Int: ExpectedOutcome]) throws(EditError) -> String {
        let (nodes, lastCaseLine) = try caseNodes()
        var edited = lines.map(String.init)
        // From the last case up, so the lines of the cases above keep their numbers.
        for index in expectations.keys.sorted(by: >) {
            guard let expected = expectations[index] else { continue }
            let end = index + 1 < nodes.count ? (nodes[index + 1].mark?.line ?? 1) - 1 : lastCaseLine
            let region = try Region(node: nodes[index], endLine: trimmed(end: end, from: nodes[index].mark?.line ?? 1))
            let replacement = try edit(region, of: cases[index], expected: expected)
            edited.replaceSubrange((region.startLine - 1)..<region.endLine, with: replacement)
        }
        return edited.joined(separator: "\n")
    }

    /// The nodes of the `cases` list, in order, and the last line the last case can reach: the line before the
    /// next top-level key after `cases`, or the file's last line.
    private func caseNodes() throws(EditError) -> (nodes: [Node], lastCaseLine: Int) {
        let document: YAMLDocument
        do {
            document = try YAMLDocument(path: path, text: lines.joined(separator: "\n"))
        } catch {
            throw EditError(description: "\(error)")
        }
        guard let top = document.root?.mapping, let list = top["cases"]?.sequence, list.count == cases.count,
            let casesLine = top.first(where: { $0.key.string == "cases" })?.key.mark?.line
        else {
            throw EditError(description: "the file no longer has the cases it was read with")
        }
        let nextKeyLine = top.compactMap { $0.key.mark?.line }.filter { $0 > casesLine }.min()
        return (Array(list), (nextKeyLine ?? lines.count + 1) - 1)
    }

    /// `end`, moved up past blank lines, comment lines and a lone `-` (the next item's dash), never above `start`.
    private func trimmed(end: Int, from start: Int) -> Int {
        var end = min(end, lines.count)
        while end > start {
            let text = lines[end - 1].trimmingCharacters(in: .whitespaces)
            guard text.isEmpty || text.hasPrefix("#") || text == "-" || text == "\r" else { break }
            end -= 1
        }
        return end
    }

    /// Where a case is written: its first line (that of its first key, after the `- `), its last, and its keys.
    private struct Region {
        struct Key {
            let name: String
            let line: Int
            let column: Int
        }

        let startLine: Int
        let startColumn: Int
        let endLine: Int
        let keys: [Key]
        let isBlock: Bool

        init(node: Node, endLine: Int) throws(EditError) {
            guard let mapping = node.mapping, let mark = node.mark else {
                throw EditError(description: "a case is not a mapping")
            }
            guard endLine >= mark.line else { throw EditError(description: "a case ends before it starts") }
            startLine = mark.line
            startColumn = mark.column
            self.endLine = endLine
            keys = mapping.compactMap { pair in
                guard let name = pair.key.string, let mark = pair.key.mark else { return nil }
                return Key(name: name, line: mark.line, column: mark.column)
            }.sorted { $0.line < $1.line }
            isBlock = mapping.style != .flow
        }
    }

    private func edit(_ region: Region, of fixtureCase: FixtureCase, expected: ExpectedOutcome) throws(EditError) -> [String] {
        let keyLines = region.keys.map(\.line)
        let editable = region.isBlock && Set(keyLines).count == keyLines.count
            && region.keys.allSatisfy { $0.column == region.startColumn }
            && region.keys.first.map { !Self.expectationKeys.contains($0.name) } == true
        guard editable else { return try rewritten(region, of: fixtureCase, expected: expected) }

        let indent = String(repeating: " ", count: region.startColumn - 1)
        let block = ExpectationText.lines(expected).map { indent + $0 + carriageReturn }
        // The lines each expectation key holds, less the blank and comment lines at their end.
        var removed = Set<Int>()
        var insertAt: Int?
        for (position, key) in region.keys.enumerated() where Self.expectationKeys.contains(key.name) {
            let next = position + 1 < region.keys.count ? region.keys[position + 1].line - 1 : region.endLine
            let last = trimmed(end: next, from: key.line)
            removed.formUnion(key.line...last)
            insertAt = min(insertAt ?? key.line, key.line)
        }
        if insertAt == nil, let lastKey = region.keys.last {
            insertAt = trimmed(end: region.endLine, from: lastKey.line) + 1
        }
        var result: [String] = []
        for line in region.startLine...region.endLine {
            if line == insertAt { result += block }
            if !removed.contains(line) { result.append(String(lines[line - 1])) }
        }
        if let insertAt, insertAt > region.endLine { result += block }
        return result
    }

    /// The case written anew where it was: the text before its first key on its first line (`  - `) is kept.
    private func rewritten(_ region: Region, of fixtureCase: FixtureCase, expected: ExpectedOutcome) throws(EditError) -> [String] {
        let written: [String]
        do {
            written = try FixtureCaseYAML.lines(fixtureCase, expected: expected)
        } catch {
            throw EditError(description: "cannot write the case: \(error)")
        }
        let first = lines[region.startLine - 1]
        let prefix = String(String.UnicodeScalarView(first.unicodeScalars.prefix(region.startColumn - 1)))
        let indent = String(repeating: " ", count: region.startColumn - 1)
        return written.enumerated().map { offset, line in
            (offset == 0 ? prefix : indent) + line + carriageReturn
        }
    }
}

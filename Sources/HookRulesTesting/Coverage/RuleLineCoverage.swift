import HookRules
import LuaRuntime

/// Which lines of one rule file ran: its executable lines (those holding code that can run; see
/// ``LuaState/executableLines(of:)``), and how often each ran.
public struct RuleLineCoverage: Sendable, Equatable {
    /// The rule file's path as it was loaded (`rules/shopify.lua`).
    public let path: String
    /// The file's text, one entry per line (line n at index n - 1), for showing lines that never ran.
    public let sourceLines: [String]
    /// Sorted.
    public let executableLines: [Int]
    /// How many times each executable line ran; a line that never ran is absent.
    public let hits: [Int: Int]

    /// Hits on lines that are not executable are dropped (there should be none: see ``LuaState/executableLines(of:)``).
    public init(script: LuaScript, executableLines: [Int], hits: [Int: Int]) {
        path = script.name
        sourceLines = String(decoding: script.text, as: UTF8.self).splitLines()
            .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        self.executableLines = executableLines
        let executable = Set(executableLines)
        self.hits = hits.filter { executable.contains($0.key) }
    }

    /// How many executable lines ran at least once.
    public var reachedCount: Int { hits.count }

    /// Executable lines that never ran, sorted.
    public var unreachedLines: [Int] { executableLines.filter { hits[$0] == nil } }

    /// The never-reached lines grouped into ranges: two join when only lines without code (comments, blank lines,
    /// a lone `end`) stand between them.
    public var unreachedRanges: [ClosedRange<Int>] {
        var ranges: [ClosedRange<Int>] = []
        var current: ClosedRange<Int>?
        for line in executableLines {
            if hits[line] != nil {
                current.map { ranges.append($0) }
                current = nil
            } else {
                current = current.map { $0.lowerBound...line } ?? line...line
            }
        }
        current.map { ranges.append($0) }
        return ranges
    }

    /// The text of a 1-based line ("" beyond the end).
    public func text(ofLine line: Int) -> String {
        sourceLines.indices.contains(line - 1) ? sourceLines[line - 1] : ""
    }
}

extension Sequence<RuleLineCoverage> {
    /// Reached and executable lines of all the files together.
    public var totals: (reached: Int, executable: Int) {
        reduce((0, 0)) { ($0.0 + $1.reachedCount, $0.1 + $1.executableLines.count) }
    }
}

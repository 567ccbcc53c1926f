import HookRulesTesting

/// The `--coverage` report for people: per rule file the reached and executable lines, the never-reached line
/// ranges and their source text, then a total.
///
/// ```
/// rules/shop.lua  9/10 lines (90 %)  never reached: 7
///      7 |   return body.kind
/// total           9/10 lines (90 %)
/// ```
struct CoverageText {
    let files: [RuleLineCoverage]

    var text: String {
        let totals = files.totals
        let width = max(files.map(\.path.count).max() ?? 0, "total".count)
        var lines: [String] = []
        for file in files {
            var line = pad(file.path, to: width) + "  " + Self.ratio(file.reachedCount, of: file.executableLines.count)
            let ranges = file.unreachedRanges
            if !ranges.isEmpty {
                line += "  never reached: " + ranges.map(Self.describe).joined(separator: ", ")
            }
            lines.append(line)
            guard file.reachedCount > 0 else {
                lines.append("    (no case ran this rule)")  // rather than the whole file
                continue
            }
            let numberWidth = String(ranges.last?.upperBound ?? 0).count
            for range in ranges {
                for number in range {
                    lines.append("    " + pad(String(number), to: numberWidth, right: true) + " | " + file.text(ofLine: number))
                }
            }
        }
        lines.append(pad("total", to: width) + "  " + Self.ratio(totals.reached, of: totals.executable))
        return lines.joined(separator: "\n") + "\n"
    }

    /// "42/48 lines (87 %)": the percentage rounds down, so 100 % means every line.
    static func ratio(_ reached: Int, of executable: Int) -> String {
        let percent = executable == 0 ? 100 : reached * 100 / executable
        return "\(reached)/\(executable) lines (\(percent) %)"
    }

    static func describe(_ range: ClosedRange<Int>) -> String {
        range.count == 1 ? "\(range.lowerBound)" : "\(range.lowerBound)–\(range.upperBound)"
    }

    private func pad(_ text: String, to width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return right ? padding + text : text + padding
    }
}

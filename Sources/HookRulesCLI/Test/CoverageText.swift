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
            var line = file.path.padded(to: width) + "  " + Self.ratio(file.reachedCount, of: file.executableLines.count)
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
                    lines.append("    " + String(number).padded(to: numberWidth, alignedRight: true) + " | " + file.text(ofLine: number))
                }
            }
        }
        lines.append("total".padded(to: width) + "  " + Self.ratio(totals.reached, of: totals.executable))
        return lines.joined(separator: "\n") + "\n"
    }

    /// "42/48 lines (87 %)": the percentage rounds down, so 100 % means every line.
    static func ratio(_ reached: Int, of executable: Int) -> String {
        "\(reached)/\(executable) lines (\(CoverageThreshold.percent(reached, of: executable)) %)"
    }

    static func describe(_ range: ClosedRange<Int>) -> String {
        range.count == 1 ? "\(range.lowerBound)" : "\(range.lowerBound)–\(range.upperBound)"
    }
}

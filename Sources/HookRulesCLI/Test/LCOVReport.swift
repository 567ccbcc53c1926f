import HookRulesTesting

/// Line coverage as an LCOV tracefile (the `geninfo` format that genhtml, editors' coverage gutters and CI
/// coverage services read): one record per rule file, a `DA` line per executable line with its hit count.
struct LCOVReport {
    let files: [RuleLineCoverage]

    var text: String {
        var lines = ["TN:"]
        for file in files {
            lines.append("SF:\(file.path)")
            for line in file.executableLines {
                lines.append("DA:\(line),\(file.hits[line] ?? 0)")
            }
            lines.append("LF:\(file.executableLines.count)")
            lines.append("LH:\(file.reachedCount)")
            lines.append("end_of_record")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

import HookRulesTesting

/// Coverage as an LCOV tracefile (the `geninfo` format that genhtml, editors' coverage gutters and CI coverage
/// services read): one record per rule file, a `DA` line per executable line with its hit count, and each mapping
/// (an `on` entry, either side of an `unless`, the rule's `scope`, a `resolve` step) as a branch, `BRDA`, at the
/// line it is written on: block 0, the mappings of one line numbered from 0 in the order written, taken as many
/// times as requests and ignored records exercised it.
struct LCOVReport {
    let lines: [RuleLineCoverage]
    let mappings: [RuleMappingCoverage]

    var text: String {
        var output = ["TN:"]
        let mappingsByPath = Dictionary(mappings.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        for file in lines {
            output.append("SF:\(file.path)")
            if let mapping = mappingsByPath[file.path] {
                var branchesOnLine: [Int: Int] = [:]
                for item in mapping.items.enumerated().sorted(by: { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }).map(\.element) {
                    let branch = branchesOnLine[item.line, default: 0]
                    branchesOnLine[item.line] = branch + 1
                    output.append("BRDA:\(item.line),0,\(branch),\(item.hits)")
                }
                output.append("BRF:\(mapping.items.count)")
                output.append("BRH:\(mapping.exercisedCount)")
            }
            for line in file.executableLines {
                output.append("DA:\(line),\(file.hits[line] ?? 0)")
            }
            output.append("LF:\(file.executableLines.count)")
            output.append("LH:\(file.reachedCount)")
            output.append("end_of_record")
        }
        return output.joined(separator: "\n") + "\n"
    }
}

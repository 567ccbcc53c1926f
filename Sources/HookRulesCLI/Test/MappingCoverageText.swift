import HookRulesTesting

/// The mapping part of the `--coverage` report: per rule file the exercised and counted mappings, then each
/// mapping no case exercised with the line it is written on, then a total.
///
/// ```
/// rules/shop.lua  2/3 mappings (66 %)  never exercised:
///     14 | on "products/delete"
/// total           2/3 mappings (66 %)
/// ```
struct MappingCoverageText {
    let files: [RuleMappingCoverage]

    var text: String {
        let totals = files.totals
        let width = max(files.map(\.path.count).max() ?? 0, "total".count)
        var lines: [String] = []
        for file in files {
            let missing = file.unexercised
            lines.append(file.path.padded(to: width) + "  " + Self.ratio(file.exercisedCount, of: file.items.count)
                + (missing.isEmpty ? "" : "  never exercised:"))
            let numberWidth = String(missing.map(\.line).max() ?? 0).count
            for item in missing {
                lines.append("    " + String(item.line).padded(to: numberWidth, alignedRight: true) + " | \(item)")
            }
        }
        lines.append("total".padded(to: width) + "  " + Self.ratio(totals.exercised, of: totals.items))
        return lines.joined(separator: "\n") + "\n"
    }

    /// "42/48 mappings (87 %)": the percentage rounds down, so 100 % means every mapping.
    static func ratio(_ exercised: Int, of items: Int) -> String {
        "\(exercised)/\(items) mappings (\(CoverageThreshold.percent(exercised, of: items)) %)"
    }
}

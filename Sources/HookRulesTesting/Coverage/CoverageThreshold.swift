/// `--fail-under N`: the least coverage a run accepts, in whole percent, of both the rule files' lines and their
/// mappings. Percentages round down, so `100` accepts only full coverage.
public struct CoverageThreshold: Sendable, Equatable {
    public let percent: Int

    public init(percent: Int) {
        self.percent = percent
    }

    /// `reached` of `total` in whole percent, rounded down; 100 when there is nothing to reach.
    public static func percent(_ reached: Int, of total: Int) -> Int {
        total == 0 ? 100 : reached * 100 / total
    }

    /// Why coverage falls short, one line per measure below the threshold; empty when both reach it.
    public func shortfalls(lines: [RuleLineCoverage], mappings: [RuleMappingCoverage]) -> [String] {
        let measures = [
            ("line", lines.totals.reached, lines.totals.executable),
            ("mapping", mappings.totals.exercised, mappings.totals.items),
        ]
        return measures.compactMap { name, reached, total in
            let actual = Self.percent(reached, of: total)
            return actual < percent
                ? "\(name) coverage \(actual) % (\(reached)/\(total)) is below the required \(percent) %" : nil
        }
    }
}

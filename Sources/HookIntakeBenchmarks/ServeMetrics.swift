import Foundation

/// What `hookrules serve`'s `/metrics` counts, summed over integrations and subscriptions: hooks by outcome,
/// rejections, the rule's and the commit's time, and the group committer's transactions. A run's figures are the
/// difference of the scrapes before and after it.
struct ServeMetrics {
    private var samples: [String: Double] = [:]

    /// Reads Prometheus' text format: `name{label="value",...} number` lines; comments are skipped. Each sample is
    /// kept under its name, and under its name with each of its labels (`hookrules_hooks_total{outcome="accepted"}`),
    /// summed over the others.
    init(text: String) {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            let series = line[..<space]
            let name = String(series.prefix { $0 != "{" })
            samples[name, default: 0] += value
            if let open = series.firstIndex(of: "{"), series.hasSuffix("}") {
                let labels = series[series.index(after: open)..<series.index(before: series.endIndex)]
                for label in labels.split(separator: ",") {
                    samples["\(name){\(label)}", default: 0] += value
                }
            }
        }
    }

    private init(samples: [String: Double]) {
        self.samples = samples
    }

    subscript(_ series: String) -> Double { samples[series] ?? 0 }

    /// Each series' growth since `earlier`.
    func since(_ earlier: ServeMetrics) -> ServeMetrics {
        ServeMetrics(samples: samples.merging(earlier.samples.mapValues { -$0 }, uniquingKeysWith: +))
    }

    func hooks(_ outcome: String) -> Int { Int(self["hookrules_hooks_total{outcome=\"\(outcome)\"}"]) }
    var rejections: Int { Int(self["hookrules_rejections_total"]) }
    /// Seconds spent in the rule (engine) over all hooks, and the hooks timed.
    var ruleSeconds: Double { self["hookrules_rule_duration_seconds_sum"] }
    var ruleCount: Int { Int(self["hookrules_rule_duration_seconds_count"]) }
    /// Seconds hooks waited for their commit, and the hooks timed.
    var commitSeconds: Double { self["hookrules_commit_duration_seconds_sum"] }
    var commitCount: Int { Int(self["hookrules_commit_duration_seconds_count"]) }
    /// Durable transactions, and the records they carried.
    var transactions: Int { Int(self["hookrules_commit_batch_records_count"]) }
    var committedRecords: Int { Int(self["hookrules_commit_batch_records_sum"]) }
}

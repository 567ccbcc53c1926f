import Foundation

/// The rounds' figures per side: medians of hooks/s and latency, each side's rate over the bare endpoint's in the
/// same round (median and range), CPU time per hook on both ends, and for `serve` what its metrics say about the
/// rule, the commit wait and the hooks each commit carried.
struct IntakeReport {
    let sides: [IntakeSide]
    /// `runs[side][round]`.
    let runs: [[IntakeSide.Run]]

    func print() {
        Swift.print(row(["side", "hooks/s", "p50 ms", "p99 ms", "ratio to bare (rounds)", "server CPU/hook", "wrk CPU/hook", "hooks/commit"]))
        let bare = runs[0].map(\.wrk.requestsPerSecond)
        for (side, runs) in zip(sides, runs) {
            let ratios = zip(runs, bare).map { $0.wrk.requestsPerSecond / $1 }
            let requests = Double(runs.reduce(0) { $0 + $1.wrk.requests })
            let commits = runs.compactMap(\.metrics).reduce(into: (records: 0, transactions: 0)) {
                $0.records += $1.committedRecords
                $0.transactions += $1.transactions
            }
            Swift.print(row([
                side.name,
                Self.grouped(median(runs.map(\.wrk.requestsPerSecond))),
                String(format: "%.2f", median(runs.map(\.wrk.p50))),
                String(format: "%.2f", median(runs.map(\.wrk.p99))),
                String(format: "%.2f (%.2f–%.2f)", median(ratios), ratios.min() ?? 0, ratios.max() ?? 0),
                String(format: "%.0f µs", runs.reduce(0) { $0 + $1.serverCPU } / requests * 1e6),
                String(format: "%.0f µs", runs.reduce(0) { $0 + $1.wrk.clientCPU } / requests * 1e6),
                commits.transactions == 0 ? "–" : String(format: "%.1f", Double(commits.records) / Double(commits.transactions)),
            ]))
        }
        Swift.print()
        Swift.print("per round, hooks/s (" + sides.map(\.name).joined(separator: " / ") + "):")
        for round in runs[0].indices {
            Swift.print("  \(round + 1): " + runs.map { Self.grouped($0[round].wrk.requestsPerSecond) }.joined(separator: " / "))
        }
        if let baseline = sides.firstIndex(where: { $0.baseline }) {
            for (side, runs) in zip(sides, runs) where side.serve != nil && !side.baseline {
                let ratios = zip(runs, self.runs[baseline]).map { $0.wrk.requestsPerSecond / $1.wrk.requestsPerSecond }
                Swift.print("\(side.name) over \(sides[baseline].name), same round: " + String(
                    format: "%.2f (%.2f–%.2f)", median(ratios), ratios.min() ?? 0, ratios.max() ?? 0))
            }
        }
        for (side, runs) in zip(sides, runs) where side.serve != nil {
            let metrics = runs.compactMap(\.metrics)
            let rule = metrics.reduce(0) { $0 + $1.ruleSeconds } / Double(max(1, metrics.reduce(0) { $0 + $1.ruleCount }))
            let commit = metrics.reduce(0) { $0 + $1.commitSeconds } / Double(max(1, metrics.reduce(0) { $0 + $1.commitCount }))
            let transactions = metrics.reduce(0) { $0 + $1.transactions }
            Swift.print(
                "\(side.name): per hook \(String(format: "%.0f", rule * 1e6)) µs in the rule engine (wall, waiting for a Lua state included), "
                    + "\(String(format: "%.0f", commit * 1e6)) µs waiting for its commit; \(transactions) commits, "
                    + "\(metrics.reduce(0) { $0 + $1.hooks("failed") }) hooks kept as failed by their rule")
        }
    }

    /// Every problem of every run, naming side and round.
    var problems: [String] {
        zip(sides, runs).flatMap { side, runs in
            runs.enumerated().flatMap { round, run in run.problems.map { "\(side.name), round \(round + 1): \($0)" } }
        }
    }

    private func row(_ cells: [String]) -> String {
        let widths = [18, 9, 7, 7, 23, 16, 13, 12]
        return zip(cells, widths).map { $0.padding(toLength: max($1, $0.count), withPad: " ", startingAt: 0) }
            .joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }

    static func grouped(_ value: Double) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.maximumFractionDigits = 0
        formatter.groupingSeparator = ","
        return formatter.string(from: NSNumber(value: value.rounded())) ?? "\(Int(value))"
    }
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

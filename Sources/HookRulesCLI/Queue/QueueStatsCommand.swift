import ArgumentParser
import HookQueue

struct QueueStatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Count the queued requests by state, by scope and by subscription.",
        discussion: """
            Completed requests have left the queue and are not counted.

            Examples:
              hookrules queue stats
              hookrules queue stats --queue /var/lib/hookrules --format jsonl
            """
    )

    @OptionGroup var queueOptions: QueueOptions

    @Option(help: "table (for people) or jsonl (one object per line: the totals, then each scope and subscription).")
    var format: ListingFormat = .table

    func run() async throws {
        let stats = try await queueOptions.withQueue(readOnly: true) { try await $0.stats() }
        switch format {
        case .table: print(table(stats), terminator: "")
        case .jsonl: printLines(stats)
        }
    }

    private func table(_ stats: QueueStats) -> String {
        func rows(_ groups: [String: QueueCounts]) -> [[String]] {
            groups.sorted { $0.key < $1.key }.map { [$0.key] + cells($0.value) }
        }
        return TextTable(header: ["QUEUE", "PENDING", "CLAIMED", "DEAD", "TOTAL"], rows: [["all"] + cells(stats.total)]).rendered
            + "\n" + TextTable(header: ["SCOPE", "PENDING", "CLAIMED", "DEAD", "TOTAL"],
                               rows: rows(Dictionary(uniqueKeysWithValues: stats.byScope.map { ($0.key.description, $0.value) }))).rendered
            + "\n" + TextTable(header: ["SUBSCRIPTION", "PENDING", "CLAIMED", "DEAD", "TOTAL"],
                               rows: rows(stats.bySubscription)).rendered
    }

    private func cells(_ counts: QueueCounts) -> [String] {
        [counts.pending, counts.claimed, counts.dead, counts.total].map(String.init)
    }

    private func printLines(_ stats: QueueStats) {
        struct Line: Encodable {
            var scope: String?
            var subscription: String?
            let pending: Int, claimed: Int, dead: Int, total: Int

            init(_ counts: QueueCounts, scope: String? = nil, subscription: String? = nil) {
                self.scope = scope
                self.subscription = subscription
                (pending, claimed, dead, total) = (counts.pending, counts.claimed, counts.dead, counts.total)
            }
        }
        let printer = RequestPrinter()
        printer.print(Line(stats.total))
        for (scope, counts) in stats.byScope.sorted(by: { $0.key < $1.key }) { printer.print(Line(counts, scope: "\(scope)")) }
        for (subscription, counts) in stats.bySubscription.sorted(by: { $0.key < $1.key }) {
            printer.print(Line(counts, subscription: subscription))
        }
    }
}

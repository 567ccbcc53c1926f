import ArgumentParser

struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Inspect and steer the dispatch queue.",
        discussion: """
            Examples:
              hookrules queue stats
              hookrules queue list --state pending --limit 20
              hookrules queue dead
              hookrules queue retry --all
              hookrules queue retry 42 43
              hookrules queue retry --subscription demo-shopify --scope product/updated
            """,
        subcommands: [QueueStatsCommand.self, QueueListCommand.self, QueueDeadCommand.self, QueueRetryCommand.self]
    )
}

/// `--format table|jsonl` for the queue's listings.
enum ListingFormat: String, ExpressibleByArgument, CaseIterable {
    case table, jsonl
}

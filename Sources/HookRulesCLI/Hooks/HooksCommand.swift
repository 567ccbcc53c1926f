import ArgumentParser
import Foundation
import HookQueue

struct HooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hooks",
        abstract: "Inspect and replay the hooks the intake server kept: failed rules and rejected requests.",
        discussion: """
            A hook whose rule failed is acknowledged and kept, with the error's rule file and line, until \
            `hooks retry` runs it through the fixed rule. A rejected hook (unknown subscription, failed \
            authentication, too large) was refused with an error status; it is kept, capped in count and age, so \
            you can see what was refused and why.

            Examples:
              hookrules hooks failed
              hookrules hooks rejected --limit 20
              hookrules hooks show hk_01934f2a8c3b9f2e4d7a6c1b
              hookrules hooks retry --failed
            """,
        subcommands: [HooksFailedCommand.self, HooksRejectedCommand.self, HooksShowCommand.self, HooksRetryCommand.self]
    )
}

struct HooksFailedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failed", abstract: "List hooks whose rule failed, newest first, with the error.")

    @OptionGroup var queueOptions: QueueOptions
    @OptionGroup var listing: KeptListingOptions

    func run() async throws {
        try await listing.show(.failed, from: queueOptions)
    }
}

struct HooksRejectedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rejected", abstract: "List refused requests, newest first, with why they were refused.")

    @OptionGroup var queueOptions: QueueOptions
    @OptionGroup var listing: KeptListingOptions

    func run() async throws {
        try await listing.show(.rejected, from: queueOptions)
    }
}

/// `--limit` and `--format` for the kept hooks' listings, and the listing itself.
struct KeptListingOptions: ParsableArguments {
    @Option(help: "At most this many hooks.")
    var limit = 50

    @Option(help: "table (for people) or jsonl (one object per hook, without the body).")
    var format: ListingFormat = .table

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func show(_ disposition: KeptHook.Disposition, from queueOptions: QueueOptions) async throws {
        let hooks = try await queueOptions.withQueue(readOnly: true) { try await $0.keptHooks(disposition, limit: limit) }
        switch format {
        case .jsonl:
            let printer = RequestPrinter()
            for hook in hooks { printer.print(KeptHookLine(hook)) }
        case .table:
            let rows = hooks.map { hook in
                [hook.id, hook.subscription, Self.time(hook.receivedAt), "\(hook.body.count)",
                 hook.cause.split(separator: "\n").first.map(String.init) ?? ""]
            }
            print(TextTable(header: ["hook", "subscription", "received", "bytes", "cause"], rows: rows).rendered, terminator: "")
            if hooks.isEmpty { printError("no \(disposition.rawValue) hooks in \(queueOptions.location)") }
        }
    }

    static func time(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().timeSeparator(.colon).time(includingFractionalSeconds: false))
    }
}

/// A kept hook as one JSON line: everything but the body (`hooks show` prints it).
struct KeptHookLine: Encodable {
    let hook: String
    let subscription: String
    let disposition: String
    let cause: String
    let receivedAt: Date
    let method: String
    let target: String
    let bytes: Int

    init(_ kept: KeptHook) {
        hook = kept.id
        subscription = kept.subscription
        disposition = kept.disposition.rawValue
        cause = kept.cause
        receivedAt = kept.receivedAt
        method = kept.method
        target = kept.target
        bytes = kept.body.count
    }
}

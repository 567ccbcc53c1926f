import ArgumentParser
import Foundation
import HookQueue

struct QueueListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List queued requests: pending ones in the order workers will claim them.",
        discussion: """
            Examples:
              hookrules queue list
              hookrules queue list --state claimed --format jsonl
            """
    )

    @OptionGroup var queueOptions: QueueOptions
    @OptionGroup var listing: ListingOptions

    @Option(help: "Only requests in this state: pending, claimed or dead.")
    var state: QueueState?

    func run() async throws {
        try await listing.show(state: state, from: queueOptions)
    }
}

struct QueueDeadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dead",
        abstract: "List the dead letter: requests whose attempts are used up, with their last error.",
        discussion: "Retry them with `hookrules queue retry`."
    )

    @OptionGroup var queueOptions: QueueOptions
    @OptionGroup var listing: ListingOptions

    func run() async throws {
        try await listing.show(state: .dead, from: queueOptions)
    }
}

/// `--limit` and `--format` for the listings, and the listing itself.
struct ListingOptions: ParsableArguments {
    @Option(help: "At most this many requests.")
    var limit = 50

    @Option(help: "table (for people) or jsonl (one object per request).")
    var format: ListingFormat = .table

    func validate() throws {
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func show(state: QueueState?, from queueOptions: QueueOptions) async throws {
        let entries = try await queueOptions.withQueue(readOnly: true) { try await $0.list(state: state, limit: limit) }
        switch format {
        case .jsonl:
            let printer = RequestPrinter()
            for entry in entries { printer.print(QueueEntryLine(entry)) }
        case .table:
            let rows = entries.map { entry in
                [
                    entry.id.description, entry.state.rawValue, entry.request.subscription, entry.request.scope.description,
                    entry.request.direction.rawValue, entry.request.externalId, String(entry.attempt),
                    String(entry.coalesced), entry.request.debug ? "debug" : "", entry.lastError ?? "",
                ]
            }
            print(TextTable(
                header: ["ID", "STATE", "SUBSCRIPTION", "SCOPE", "DIR", "EXTERNAL ID", "ATTEMPT", "MERGED", "", "LAST ERROR"],
                rows: rows
            ).rendered, terminator: "")
        }
    }
}

/// One queue entry as a JSON Lines record.
struct QueueEntryLine: Encodable {
    let id: String
    let state: String
    let attempt: Int
    let coalesced: Int
    let enqueuedAt: Date
    let dueAt: Date
    let leaseExpiresAt: Date?
    let worker: String?
    let lastError: String?
    let request: RequestLine

    init(_ entry: QueueEntry) {
        id = entry.id.description
        state = entry.state.rawValue
        attempt = entry.attempt
        coalesced = entry.coalesced
        enqueuedAt = entry.enqueuedAt
        dueAt = entry.dueAt
        leaseExpiresAt = entry.leaseExpiresAt
        worker = entry.worker
        lastError = entry.lastError
        request = RequestLine(entry.request)
    }
}

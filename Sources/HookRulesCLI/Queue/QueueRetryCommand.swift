import ArgumentParser
import HookQueue
import HookModel

struct QueueRetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Put dead-lettered requests back in the queue with a fresh set of attempts.",
        discussion: """
            Name the requests by id (from `hookrules queue dead`), or pick them with --subscription and/or \
            --scope, or take them all with --all.

            Examples:
              hookrules queue retry 42 43
              hookrules queue retry --subscription demo-shopify
              hookrules queue retry --all
            """
    )

    @OptionGroup var queueOptions: QueueOptions

    @Argument(help: "Ids of dead requests.")
    var ids: [Int64] = []

    @Option(help: "Every dead request of this subscription.")
    var subscription: String?

    @Option(help: "Every dead request of this scope, e.g. product/updated.")
    var scope: Scope?

    @Flag(help: "Every dead request.")
    var all = false

    func validate() throws {
        let filtered = subscription != nil || scope != nil
        switch (!ids.isEmpty, filtered, all) {
        case (true, false, false), (false, true, false), (false, false, true): break
        case (false, false, false): throw ValidationError("name ids, or pass --subscription/--scope, or --all")
        default: throw ValidationError("ids, filters (--subscription/--scope) and --all cannot be combined")
        }
    }

    func run() async throws {
        let selection: DeadLetterSelection = ids.isEmpty
            ? .matching(subscription: subscription, scope: scope) : .ids(ids.map { QueueItemID($0) })
        let retried = try await queueOptions.withQueue { try await $0.retryDead(selection) }
        print("\(retried) dead request(s) back in the queue")
        if !ids.isEmpty && retried < ids.count {
            throw CommandFailure("\(ids.count - retried) of the ids named no dead request")
        }
    }
}

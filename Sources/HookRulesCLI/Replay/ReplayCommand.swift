import ArgumentParser
import Foundation
import HookCapture
import HookModel
import HookQueue
import HookRules
import HookRulesConfig

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run captured webhooks through the rules and print the transfer requests they produce.",
        discussion: """
            A capture is a body file of any name with an optional <name>.headers.json beside it, or a capture \
            envelope <name>.hook.json (docs/captures.md). In a folder every file is replayed except headers \
            sidecars, hidden files and Markdown notes, which are listed on stderr as skipped, each with why; a \
            0-byte body file is refused. The integration comes from --subscription, else the envelope, \
            else the name of the folder the capture sits in; its rule is <rules>/<integration>.lua. The \
            subscription is the one named by --subscription or the envelope, else the integration's only \
            subscription in the subscriptions file, else a default one named after the integration (no presets, \
            delete hooks off).

            With --enqueue the requests also go on the dispatch queue (--queue), one transaction per capture.

            One JSON object per transfer request is printed on stdout (JSON Lines). Ignored records and failures \
            go to stderr with their reason. A rule file that does not load fails its own integration's captures, \
            naming its problem; the others still run. Exit status: 0 when every capture resolved, 1 when any \
            failed or a rule file did not load, 64 for usage errors.

            Examples:
              hookrules replay samples/
              hookrules replay --subscription demo-dealerdesk samples/dealerdesk/message.single.json
              hookrules replay --format table --trace samples/shopify
              hookrules replay --enqueue --queue /var/lib/hookrules samples/shopify/products.update.json
            """
    )

    @OptionGroup var ruleOptions: RuleOptions

    @Option(help: "Replay every capture for this subscription (its integration's rule runs).")
    var subscription: String?

    @Option(help: "Output: jsonl (one JSON object per request) or table (for people).")
    var format: ReplayFormat = .jsonl

    @Flag(help: "Show the rule file and line that made each request, and the rule's own log lines.")
    var trace = false

    @Flag(help: "Put the requests on the dispatch queue too.")
    var enqueue = false

    @OptionGroup var queueOptions: QueueOptions

    @Argument(help: "Capture files or folders (searched recursively).")
    var paths: [String]

    mutating func run() async throws {
        let rules = try ruleOptions.load(policy: .keepLoadable)
        let ruleProblems = printProblems(rules.book.problems)
        if let subscription, rules.directory[subscription] == nil {
            throw rules.unknownSubscription(subscription)
        }
        let engine = try rules.commandEngine()
        let printer = ReplayPrinter(format: format, trace: trace)
        let queue = enqueue ? try await queueOptions.open() : nil
        var failures = 0
        var enqueued = EnqueueReceipt(ids: [], inserted: 0, coalesced: 0)
        var captures: [String] = []
        for path in paths {
            do {
                let listing = try CaptureListing(under: path)
                for skipped in listing.skipped { printError("skipped \(skipped)") }
                captures += listing.captures
            } catch {
                printError("\(error)")
                failures += 1
            }
        }
        for (index, capture) in captures.enumerated() {
            let outcome: HookOutcome
            do {
                outcome = try await replay(capture, with: engine)
            } catch {
                printError("\(error)")
                failures += 1
                continue
            }
            if outcome.failed { failures += 1 }
            if let queue, !outcome.requests.isEmpty {
                // A request is printed only once it is queued. A queue that refuses one capture's requests (a full
                // disk, a lost connection) would refuse the next ones too: the replay stops there.
                do {
                    let receipt = try await queue.enqueue(outcome.requests)
                    enqueued.inserted += receipt.inserted
                    enqueued.coalesced += receipt.coalesced
                } catch {
                    printer.finish()
                    try? await queue.close()
                    let left = captures.count - index - 1
                    throw CommandFailure(
                        ["\(capture): cannot enqueue its \(outcome.requests.count) request(s), none was queued: \(error)"]
                            + (left > 0 ? ["stopped: the \(left) capture(s) after it were not replayed"] : [])
                            + [enqueuedSummary(enqueued)])
                }
            }
            printer.print(outcome, capture: capture)
        }
        printer.finish()
        if let queue {
            try? await queue.close()
            printError(enqueuedSummary(enqueued))
        }
        let summary = (failures > 0 ? ["\(failures) capture(s) failed"] : [])
            + (ruleProblems > 0 ? ["\(rules.book.failed.count) rule file(s) did not load"] : [])
        if !summary.isEmpty { throw CommandFailure(summary) }
    }

    private func enqueuedSummary(_ enqueued: EnqueueReceipt) -> String {
        "enqueued \(enqueued.inserted + enqueued.coalesced) request(s) on \(queueOptions.location)"
            + (enqueued.coalesced > 0 ? " (\(enqueued.coalesced) merged into equal pending ones)" : "")
    }

    private func replay(_ path: String, with engine: RuleEngine) async throws -> HookOutcome {
        let capture = try CapturedHook(path: path)
        let subscription = try capture.subscription(
            named: self.subscription, in: engine.subscriptions,
            integrations: Set(engine.book.rules.keys).union(engine.book.failed.keys), rulesFolder: ruleOptions.rules)
        return await engine.process(capture.hook(subscription: subscription), subscription: subscription)
    }
}

enum ReplayFormat: String, ExpressibleByArgument, CaseIterable {
    case jsonl, table
}

import ArgumentParser
import Foundation
import HookQueue
import HookModel
import HookRulesConfig
import HookWorker

struct WorkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "work",
        abstract: "Drain the dispatch queue: post each request to an HTTP target and settle it by the answer.",
        discussion: """
            Each request is posted as JSON to --target (docs/queue.md shows the body). 2xx: done. 429 and 5xx: \
            retried after the response's Retry-After, else after the retry policy's backoff (10·a·(a+1) minutes \
            after attempt a). Other 4xx: dead letter at once. Network errors and timeouts: retried. After \
            --max-attempts a request goes to the dead letter (`hookrules queue dead`).

            An incoming (to) request that is done is fanned out: a from request is queued for every other \
            subscription whose integration's catalog has its scope, unless the subscription sets outbound: false.

            --timeout is one deadline per delivery: connecting, sending, and the target's whole answer, headers \
            and body. A delivery past it is retried like any timeout.

            When the queue's database is out of reach (a server restarting, a lost connection, a full disk), the \
            worker waits and tries again, logging when the outage starts and ends; requests it delivered meanwhile \
            are settled once the database answers. With --exit-on-db-loss it exits with status 69 instead once an \
            outage has lasted that many seconds.

            Ctrl-C or SIGTERM stops claiming, lets requests in flight finish for --grace seconds and gives the \
            rest back to the queue; a second Ctrl-C exits at once (the leases of what it held expire and are \
            rescued). Within an outage it waits for the database no longer than --grace either.

            Examples:
              hookrules work --target https://platform.example/transfers
              hookrules work --target http://127.0.0.1:8080/in --concurrency 16 --queue /var/lib/hookrules
              hookrules work --target http://127.0.0.1:8080/in --drain
            """
    )

    @OptionGroup var ruleOptions: RuleOptions
    @OptionGroup var queueOptions: QueueOptions

    @Option(help: "The URL each request is posted to.")
    var target: String

    @Option(help: "Requests processed at the same time.")
    var concurrency = 4

    @Option(help: "Seconds a claim is held without a heartbeat.")
    var lease = 60

    @Option(help: "Seconds requests in flight may take to finish after a stop.")
    var grace = 10

    @Option(help: "Seconds one delivery may take: connecting, sending, the answer's headers and body.")
    var timeout = 30

    @Option(help: ArgumentHelp(
        "Exit with status 69 once the queue's database has been out of reach this long.", valueName: "seconds"))
    var exitOnDbLoss: Int?

    @Option(help: "Attempts before a request is dead-lettered.")
    var maxAttempts = RetryPolicy.standard.maxAttempts

    @Option(help: ArgumentHelp(
        "Wait this many seconds before each retry, instead of the platform's schedule.", valueName: "seconds"))
    var retryDelay: Int?

    @Option(help: "The worker's name in the queue. Default: host name and process id.")
    var workerId: String?

    @Flag(help: "Stop once nothing is due and nothing is in flight.")
    var drain = false

    @Flag(help: "Do not queue outbound (from) requests for other subscriptions.")
    var noFanOut = false

    @Flag(help: "Print a line per settled request on stderr.")
    var verbose = false

    func validate() throws {
        guard let url = URL(string: target), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw ValidationError("--target must be an http:// or https:// URL")
        }
        for (name, value) in [("concurrency", concurrency), ("lease", lease), ("timeout", timeout), ("max-attempts", maxAttempts)] where value < 1 {
            throw ValidationError("--\(name) must be at least 1")
        }
        if grace < 0 { throw ValidationError("--grace cannot be negative") }
        if let retryDelay, retryDelay < 0 { throw ValidationError("--retry-delay cannot be negative") }
        if let exitOnDbLoss, exitOnDbLoss < 1 { throw ValidationError("--exit-on-db-loss must be at least 1") }
    }

    func run() async throws {
        let fanOut = try makeFanOut()
        let queue = try await queueOptions.open(policy: retryPolicy)
        var settings = WorkerSettings(id: workerId ?? "\(ProcessInfo.processInfo.hostName)-\(getpid())")
        settings.concurrency = concurrency
        settings.lease = .seconds(lease)
        settings.grace = .seconds(grace)
        settings.drain = drain
        settings.deliveryTimeout = .seconds(timeout)
        settings.maximumOutage = exitOnDbLoss.map { .seconds($0) }
        let client = HTTPTarget.makeClient()
        let verbose = verbose
        let worker = TransferWorker(
            queue: queue, processor: HTTPTarget(url: target, client: client, worker: settings.id), fanOut: fanOut,
            settings: settings, health: QueueHealth { printError("\($0)") },
            onEvent: { event in if verbose { printError(Self.describe(event)) } })
        let stop = StopRequest()
        let signals = StopSignals(stop: stop)
        printError("worker \(settings.id) on \(queueOptions.location) → \(target), \(concurrency) at a time")
        let outcome = await Result { try await worker.run(until: stop) }
        signals.cancel()
        try? await client.shutdown()
        try? await queue.close()
        switch outcome {
        case let .success(report):
            printError("done \(report.done), retried \(report.retried), dead-lettered \(report.deadLettered), "
                + "fanned out \(report.followUps), released \(report.released), leases lost \(report.lost)"
                + (report.unsettled > 0 ? ", unsettled \(report.unsettled) (retried when their leases expire)" : ""))
        case let .failure(error as WorkerError):
            throw CommandFailure("the worker stopped: \(error)", status: Self.databaseLostStatus)
        case let .failure(error):
            throw CommandFailure("the worker stopped on a queue error: \(error)")
        }
    }

    private var retryPolicy: RetryPolicy {
        guard let retryDelay else { return RetryPolicy(maxAttempts: maxAttempts, backoff: RetryPolicy.platformBackoff) }
        return RetryPolicy(maxAttempts: maxAttempts) { _ in .seconds(retryDelay) }
    }

    private func makeFanOut() throws -> OutboundFanOut? {
        guard !noFanOut else { return nil }
        guard FileManager.default.fileExists(atPath: ruleOptions.rules) else {
            printError("no rules folder \(ruleOptions.rules): outbound fan-out is off")
            return nil
        }
        let rules = try ruleOptions.load()
        return OutboundFanOut(subscriptions: rules.subscriptions, catalogs: rules.book.rules.mapValues(\.catalog))
    }

    private static func describe(_ event: WorkerEvent) -> String {
        let what = "\(event.claim.id) (attempt \(event.claim.attempt)) \(event.claim)"
        switch event.kind {
        case let .done(followUps): return "done \(what)" + (followUps > 0 ? ", \(followUps) fanned out" : "")
        case let .retried(error): return "retry \(what): \(error)"
        case let .deadLettered(error): return "dead \(what): \(error)"
        case .leaseLost: return "lease lost \(what)"
        case .released: return "released \(what)"
        case let .unsettled(error): return "unsettled \(what): the queue was out of reach (\(error))"
        }
    }

    /// EX_UNAVAILABLE (sysexits.h): the service the command needs is unavailable.
    static let databaseLostStatus: Int32 = 69
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}

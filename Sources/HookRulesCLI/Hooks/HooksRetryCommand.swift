import ArgumentParser
import Foundation
import HookIntake
import HookQueue
import HookRulesConfig
import HookSignatures
import Logging
import Prometheus

struct HooksRetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Run kept hooks again through the rules and subscriptions as they are now.",
        discussion: """
            A failed hook runs through its rule again (fixed since, or with a changed preset); a rejected one is \
            authenticated again first (a secret added since, checked as of when the hook arrived). A hook that \
            now resolves has its requests queued and leaves the kept hooks in the same transaction; one that still \
            fails stays kept with its new cause. Exit status 1 when any still fails.

            Examples:
              hookrules hooks retry hk_01a249a2846c2bceb60542a52695
              hookrules hooks retry --failed
              hookrules hooks retry --rejected --subscription demo-shopify
            """
    )

    @OptionGroup var ruleOptions: RuleOptions
    @OptionGroup var queueOptions: QueueOptions

    @Argument(help: "Ids of kept hooks.")
    var ids: [String] = []

    @Flag(help: "Every hook whose rule failed.")
    var failed = false

    @Flag(help: "Every rejected hook.")
    var rejected = false

    @Option(help: "With --failed or --rejected: only this subscription's hooks.")
    var subscription: String?

    @Option(help: "With --failed or --rejected: at most this many hooks, newest first.")
    var limit = 10_000

    func validate() throws {
        guard !ids.isEmpty || failed || rejected else { throw ValidationError("name hook ids, or pass --failed or --rejected") }
        guard ids.isEmpty || (!failed && !rejected) else { throw ValidationError("ids and --failed/--rejected cannot be combined") }
        if subscription != nil && ids.isEmpty == false { throw ValidationError("--subscription goes with --failed or --rejected") }
    }

    func run() async throws {
        let rules = try ruleOptions.load()
        let engine = try rules.commandEngine()
        // Failed hooks passed authentication when they arrived; only rejected ones need the secrets now.
        let authenticators: [String: RequestAuthenticator]
        do {
            authenticators = try rules.authenticators(environment: ProcessInfo.processInfo.environment)
        } catch {
            guard !rejected, ids.isEmpty else { throw CommandFailure.problems(error.problems) }
            authenticators = [:]
        }
        try await queueOptions.withQueue { queue in
            var logger = Logger(label: "hookrules")
            logger.logLevel = .critical
            let service = IntakeService(
                engine: engine, store: queue, committer: GroupCommitter(store: queue),
                authenticators: { authenticators[$0.id] },
                metrics: IntakeMetrics(factory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())),
                logger: logger)
            var stillFailing = 0
            for kept in try await selection(in: queue) {
                switch try await service.retry(kept) {
                case .resolved(let requests, let ignored):
                    print("\(kept.id): resolved, \(requests) request(s) queued" + (ignored > 0 ? ", \(ignored) ignored" : ""))
                case .stillFailing(let cause):
                    print("\(kept.id): still failing: \(cause.replacingOccurrences(of: "\n", with: "; "))")
                    stillFailing += 1
                }
            }
            if stillFailing > 0 { throw CommandFailure("\(stillFailing) hook(s) still failing") }
        }
    }

    private func selection(in store: any HookIntakeStore) async throws -> [KeptHook] {
        if !ids.isEmpty {
            var hooks: [KeptHook] = []
            for id in ids {
                guard let kept = try await store.keptHook(id: id) else {
                    throw CommandFailure.usage("no kept hook \(id) in \(queueOptions.location)")
                }
                hooks.append(kept)
            }
            return hooks
        }
        let disposition: KeptHook.Disposition? = failed && rejected ? nil : (failed ? .failed : .rejected)
        // Oldest first: the order they arrived in, as their requests would have been queued.
        return try await store.keptHooks(disposition, limit: limit)
            .filter { subscription == nil || $0.subscription == subscription }
            .reversed()
    }
}

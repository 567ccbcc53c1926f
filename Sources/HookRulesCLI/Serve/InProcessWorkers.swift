import Foundation
import HookQueue
import HookRulesConfig
import HookServer
import HookWorker
import Logging

/// `serve --target`: workers in the server's process, with the defaults of `hookrules work` (the platform's retry
/// schedule, fan-out to the subscriptions listening) and the server's graceful stop.
enum InProcessWorkers {
    static func service(
        queue: any TransferQueue, target: String, concurrency: Int, grace: Duration, rules: RuleFolder, health: QueueHealth,
        logger: Logger
    ) -> WorkerService {
        var settings = WorkerSettings(id: "\(ProcessInfo.processInfo.hostName)-\(getpid())-serve")
        settings.concurrency = concurrency
        settings.grace = grace
        let client = HTTPTarget.makeClient()
        let worker = TransferWorker(
            queue: queue, processor: HTTPTarget(url: target, client: client, worker: settings.id),
            fanOut: OutboundFanOut(subscriptions: rules.subscriptions, catalogs: rules.book.rules.mapValues(\.catalog)),
            settings: settings, health: health, onEvent: { _ in })
        return WorkerService(worker: worker, logger: logger) { try? await client.shutdown() }
    }
}

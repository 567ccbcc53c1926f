import HookIntake
import HookQueue
import Hummingbird
import NIOCore

/// `/healthz` (the process serves) and `/readyz` (rules loaded, the queue database answers): what a load balancer
/// and an orchestrator poll. The readiness body says which check failed, the last rejected reload if any, and an
/// outage the in-process workers are riding out (their calls to the queue keep failing).
struct HealthRoutes<Context: RequestContext>: Sendable {
    let service: IntakeService
    let queue: any TransferQueue
    let reloads: ReloadStatus
    let workerHealth: QueueHealth

    func add(to router: Router<Context>) {
        router.get("/healthz") { _, _ in Response(IntakeReply(status: 200, body: Array("ok\n".utf8))) }
        router.get("/readyz") { _, _ in await readiness() }
    }

    /// How long `/readyz` waits for the queue's database to answer.
    static var probeTimeout: Duration { .seconds(2) }

    private func readiness() async -> Response {
        var lines: [String] = []
        var ready = true
        lines.append("rules: generation \(service.engine.generation), \(service.engine.book.rules.count) rule(s)")
        if let rejected = reloads.lastRejected { lines.append(rejected.description) }
        do {
            // The queue's probe (a connection of its own, not the pool, which keeps callers waiting while the
            // database is away), bounded so the load balancer polling it gets an answer in time.
            let queue = queue
            try await withDeadline(.now + Self.probeTimeout, "no answer within \(Self.probeTimeout.secondsText)") { try await queue.probe() }
            lines.append("queue: reachable")
        } catch {
            ready = false
            lines.append("queue: unreachable: \(error)")
        }
        if case let .unavailable(outage) = workerHealth.state {
            ready = false
            lines.append("workers: the queue has been out of reach since \(outage.since) "
                + "(\(outage.failedCalls) failed call(s)): \(outage.reason)")
        }
        return Response(IntakeReply(
            status: ready ? 200 : 503, headers: [(name: "Content-Type", value: "text/plain; charset=utf-8")],
            body: Array((lines.joined(separator: "\n") + "\n").utf8)))
    }
}

import Dispatch
import Foundation
import HookQueue
import HookQueueSQLite
import HookModel
@testable import HookWorker
import LoopbackTarget
import Synchronization
import Testing

/// The worker when things go wrong under it: a delivery that never ends, a queue whose database goes down.
@Suite("Transfer worker under faults")
struct WorkerFaultTests {
    /// A processor that ignores its deadline and cancellation: it answers done after `takes`, whatever happens. It
    /// keeps the deadline it was given.
    final class StuckProcessor: TransferProcessor {
        let takes: Duration
        let deadline = Mutex<ContinuousClock.Instant?>(nil)

        init(takes: Duration) {
            self.takes = takes
        }

        func process(_ claim: ClaimedRequest, deadline: ContinuousClock.Instant) async -> ProcessingResult {
            self.deadline.withLock { $0 = deadline }
            let nanoseconds = Int(takes.components.seconds) * 1_000_000_000 + Int(takes.components.attoseconds / 1_000_000_000)
            await withCheckedContinuation { continuation in
                DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) { continuation.resume() }
            }
            return .done
        }
    }

    /// Answers done after a short pause, counting what it was given.
    final class CountingProcessor: TransferProcessor {
        let delivered = Mutex<[String]>([])
        /// Called after each delivery with how many there have been.
        let afterEach: @Sendable (Int) -> Void

        init(afterEach: @escaping @Sendable (Int) -> Void = { _ in }) {
            self.afterEach = afterEach
        }

        func process(_ claim: ClaimedRequest, deadline: ContinuousClock.Instant) async -> ProcessingResult {
            try? await Task.sleep(for: .milliseconds(20))
            let count = delivered.withLock { delivered in
                delivered.append(claim.request.externalId)
                return delivered.count
            }
            afterEach(count)
            return .done
        }
    }

    static func makeQueue(policy: RetryPolicy = .standard) throws -> (FaultyQueue, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("worker-faults-\(UUID().uuidString)")
        return (FaultyQueue(try SQLiteTransferQueue(folder: folder, policy: policy)), folder)
    }

    static func requests(_ count: Int) -> [TransferRequest] {
        (1...count).map { TransferWorkerTests.request("p\($0)") }
    }

    /// The health changes the worker reported, in order.
    final class HealthLog: Sendable {
        let changes = Mutex<[QueueHealth.Change]>([])
        func record(_ change: QueueHealth.Change) { changes.withLock { $0.append(change) } }
    }

    @Test("a delivery past its deadline: its lease is no longer renewed, and it is failed soon after, then dead-lettered", .timeLimit(.minutes(1)))
    func stuckDelivery() async throws {
        let (queue, folder) = try Self.makeQueue(policy: RetryPolicy(maxAttempts: 1) { _ in .zero })
        defer { try? FileManager.default.removeItem(at: folder) }
        try await queue.enqueue([TransferWorkerTests.request("stuck")])
        var settings = WorkerSettings(id: "stuck-worker")
        settings.concurrency = 1
        settings.drain = true
        // Beats every 300 ms, several of them before the deadline even on a loaded machine.
        settings.lease = .milliseconds(900)
        settings.deliveryTimeout = .seconds(2)
        let processor = StuckProcessor(takes: .seconds(20))
        let worker = TransferWorker(queue: queue, processor: processor, fanOut: nil, settings: settings)
        let report = try await worker.run(until: StopRequest())

        // Failed at the deadline (and the moment the worker waits beyond it for a processor to say why in its own
        // words), long before the processor would have answered done.
        #expect(report.deadLettered == 1 && report.done == 0, "\(report)")
        let deadline = try #require(processor.deadline.withLock { $0 })
        let beats = queue.heartbeats.filter { !$0.ids.isEmpty }
        #expect(!beats.isEmpty, "the lease was never renewed before the deadline")
        // Without the deadline, beats would go on until the worker gives up on the processor. None is sent for a
        // claim due within a beat, so even a beat that reaches the queue late comes before the deadline.
        let latest = deadline + .milliseconds(250)
        #expect(beats.allSatisfy { $0.at < latest }, "renewed after the deadline: \(beats.map { deadline.duration(to: $0.at) })")
        let dead = try await queue.inner.list(state: .dead, limit: 5)
        #expect(dead.first?.lastError == "no result within the delivery's deadline (2 s)", "\(dead)")
        try await queue.close()
    }

    @Test("the queue's database goes down while the worker delivers: it waits, logs the outage once and its end once, and settles everything", .timeLimit(.minutes(1)))
    func outageWhileDelivering() async throws {
        let (queue, folder) = try Self.makeQueue()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await queue.enqueue(Self.requests(60))
        // The database goes down at the tenth delivery, from inside the worker's own work: a test that watched the
        // count from outside could, on a loaded machine, see the worker finish all 60 before taking it down.
        let processor = CountingProcessor { count in if count == 10 { queue.takeDown() } }
        let log = HealthLog()
        var settings = WorkerSettings(id: "outage-worker")
        settings.concurrency = 3
        settings.drain = true
        settings.outageRetryLimit = .milliseconds(200)
        let worker = TransferWorker(
            queue: queue, processor: processor, fanOut: nil, settings: settings, health: QueueHealth { log.record($0) })
        let running = Task { try await worker.run(until: StopRequest()) }
        while processor.delivered.withLock(\.count) < 10 { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .seconds(1))
        #expect(!worker.health.isAvailable)
        queue.bringBack()
        let report = try await running.value

        #expect(report.done == 60 && report.lost == 0 && report.unsettled == 0, "\(report)")
        #expect(Set(processor.delivered.withLock { $0 }).count == 60)
        #expect(processor.delivered.withLock(\.count) == 60, "a request was delivered twice")
        // Every call failed while the database was down, and the slots tried again and again: the outage is told
        // once. (On a machine so loaded that a call waits longer than its timeout, that is told as an outage too.)
        let changes = log.changes.withLock { $0 }
        #expect(changes.first == .lost(reason: "the database is down (injected)"), "\(changes)")
        #expect(changes.filter { $0 == .lost(reason: "the database is down (injected)") }.count == 1, "\(changes)")
        // Several calls failed (each slot's at least; a loaded machine runs fewer retries in the second).
        #expect(queue.injectedFailures >= settings.concurrency, "\(queue.injectedFailures) call(s) failed in the outage")
        guard case .restored? = changes.last else { Issue.record("no end of the outage: \(changes)"); return }
        #expect(try await queue.stats().total == QueueCounts())
        try await queue.close()
    }

    @Test("an outage longer than maximumOutage stops the worker with queueUnavailable", .timeLimit(.minutes(1)))
    func maximumOutage() async throws {
        let (queue, folder) = try Self.makeQueue()
        defer { try? FileManager.default.removeItem(at: folder) }
        queue.takeDown()
        var settings = WorkerSettings(id: "giving-up")
        settings.maximumOutage = .milliseconds(500)
        settings.outageRetryLimit = .milliseconds(100)
        let worker = TransferWorker(queue: queue, processor: CountingProcessor(), fanOut: nil, settings: settings)
        await #expect(throws: WorkerError.self) { try await worker.run(until: StopRequest()) }
        try await queue.close()
    }

    @Test("a stop during an outage returns within the grace period; what could not be settled is counted", .timeLimit(.minutes(1)))
    func stopDuringOutage() async throws {
        let (queue, folder) = try Self.makeQueue()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await queue.enqueue(Self.requests(10))
        let target = try await LoopbackTarget.start { _ in LoopbackTarget.Reply(status: 200, delay: .milliseconds(400)) }
        let client = HTTPTarget.makeClient()
        var settings = WorkerSettings(id: "stopping")
        settings.concurrency = 2
        settings.grace = .seconds(1)
        let worker = TransferWorker(
            queue: queue, processor: HTTPTarget(url: target.url, client: client, worker: settings.id), fanOut: nil,
            settings: settings)
        let stop = StopRequest()
        let running = Task { try await worker.run(until: stop) }
        while target.received.count < 2 { try await Task.sleep(for: .milliseconds(5)) }
        queue.takeDown()
        stop.request()
        let stopped = ContinuousClock.now
        let report = try await running.value
        let took = stopped.duration(to: .now)

        // The grace period, then at most one short last try to settle (none while the queue is known to be down),
        // with a second for a loaded machine's scheduling.
        #expect(took < settings.grace + .seconds(2), "took \(took)")
        #expect(report.unsettled == 2 && report.done == 0, "\(report)")
        queue.bringBack()
        #expect(try await queue.stats().total.claimed == 2)
        try await client.shutdown()
        try await target.stop()
        try await queue.close()
    }
}

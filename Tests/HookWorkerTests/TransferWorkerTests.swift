import Foundation
import HookQueue
import HookQueueSQLite
import HookModel
import HookWorker
import LoopbackTarget
import Synchronization
import Testing

@Suite("Transfer worker, on a SQLite queue and a loopback target")
struct TransferWorkerTests {
    static let product = Scope(collection: "product", action: .updated)

    static func request(_ id: String, subscription: String = "shop-1", integration: String = "shopify") -> TransferRequest {
        TransferRequest(subscription: subscription, integration: integration, scope: product, externalId: id)
    }

    /// A queue in a fresh folder; removed by the caller through `folder`.
    static func makeQueue() throws -> (SQLiteTransferQueue, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("worker-\(UUID().uuidString)")
        return (try SQLiteTransferQueue(folder: folder), folder)
    }

    static func delivery(_ received: LoopbackTarget.Received) throws -> Delivery {
        try JSONDecoder().decode(Delivery.self, from: received.body)
    }

    @Test("drains the queue: done, retried after a 503, dead-lettered after a 404; incoming requests fan out to listeners")
    func drain() async throws {
        let (queue, folder) = try Self.makeQueue()
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try await LoopbackTarget.start { received in
            guard let delivery = try? Self.delivery(received) else { return LoopbackTarget.Reply(status: 400) }
            switch delivery.request.externalId {
            case "busy": return LoopbackTarget.Reply(status: 503, headers: [("Retry-After", "3600")])
            case "gone": return LoopbackTarget.Reply(status: 404, body: "no such product")
            default: return .ok
            }
        }
        try await queue.enqueue((1...20).map { Self.request("p\($0)") } + [Self.request("busy"), Self.request("gone")])

        let subscriptions = [
            Subscription(id: "shop-1", integration: "shopify"),
            Subscription(id: "crm-1", integration: "hubspot"),
            Subscription(id: "erp-1", integration: "erp", outbound: false),
            Subscription(id: "blog-1", integration: "woocommerce"),
        ]
        let catalogs = [
            "shopify": ScopeCatalog([Self.product]), "hubspot": ScopeCatalog([Self.product]),
            "erp": ScopeCatalog([Self.product]), "woocommerce": ScopeCatalog([Scope(collection: "coupon", action: .created)]),
        ]
        let client = HTTPTarget.makeClient()
        var settings = WorkerSettings(id: "test-worker")
        settings.concurrency = 3
        settings.drain = true
        let worker = TransferWorker(
            queue: queue, processor: HTTPTarget(url: server.url, client: client, worker: settings.id),
            fanOut: OutboundFanOut(subscriptions: subscriptions, catalogs: catalogs), settings: settings)
        let report = try await worker.run(until: StopRequest())

        // 20 done + their 20 fan-out requests to crm-1 (erp-1 has outbound off, blog-1 does not listen to products).
        #expect(report.done == 40 && report.followUps == 20 && report.retried == 1 && report.deadLettered == 1)
        let deliveries = try server.received.map(Self.delivery)
        #expect(deliveries.count == 42)
        let outbound = deliveries.filter { $0.request.direction == .from }
        #expect(Set(outbound.map(\.request.subscription)) == ["crm-1"] && outbound.count == 20)
        #expect(outbound.allSatisfy { $0.request.origin == RequestLink(kind: "shop-1", externalId: $0.request.externalId) })

        let stats = try await queue.stats()
        #expect(stats.total == QueueCounts(pending: 1, dead: 1))
        let dead = try await queue.list(state: .dead, limit: 5)
        #expect(dead.map(\.request.externalId) == ["gone"] && dead[0].lastError == "HTTP 404: no such product")
        let retrying = try await queue.list(state: .pending, limit: 5)
        #expect(retrying.map(\.request.externalId) == ["busy"] && retrying[0].lastError == "HTTP 503")
        #expect(retrying[0].dueAt.timeIntervalSinceNow > 3500)

        try await client.shutdown()
        try await server.stop()
        try await queue.close()
    }

    @Test("a stop lets requests in flight finish within the grace period and releases the rest unprocessed", .timeLimit(.minutes(1)))
    func gracefulShutdown() async throws {
        let (queue, folder) = try Self.makeQueue()
        defer { try? FileManager.default.removeItem(at: folder) }
        // "slow" takes far longer than the grace period; "quick" finishes within it.
        let server = try await LoopbackTarget.start { received in
            let slow = (try? Self.delivery(received))?.request.externalId == "slow"
            return LoopbackTarget.Reply(status: 200, delay: slow ? .seconds(30) : .milliseconds(300))
        }
        try await queue.enqueue([Self.request("slow"), Self.request("quick")])
        let client = HTTPTarget.makeClient()
        var settings = WorkerSettings(id: "stopping")
        settings.concurrency = 2
        // Far more than "quick" needs, so a loaded machine still finishes it within the grace period.
        settings.grace = .seconds(5)
        let worker = TransferWorker(
            queue: queue, processor: HTTPTarget(url: server.url, client: client, worker: settings.id), fanOut: nil,
            settings: settings)
        let stop = StopRequest()
        let running = Task { try await worker.run(until: stop) }
        while server.received.count < 2 { try await Task.sleep(for: .milliseconds(10)) }
        stop.request()
        let report = try await running.value

        #expect(report.done == 1 && report.released == 1, "\(report)")
        let pending = try await queue.list(state: .pending, limit: 5)
        #expect(pending.map(\.request.externalId) == ["slow"])
        // The released attempt does not count: the next claim is its first attempt of the round.
        let again = try #require(try await queue.claim(worker: "next", limit: 1, lease: .seconds(60)).first)
        #expect(again.request.externalId == "slow" && again.attempt == 2)
        try await queue.release(again)

        try await client.shutdown()
        try await server.stop()
        try await queue.close()
    }
}

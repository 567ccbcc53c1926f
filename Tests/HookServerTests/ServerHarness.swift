import AsyncHTTPClient
import Foundation
import HookIntake
import HookModel
import HookQueue
import HookQueueSQLite
import HookRules
import HookServer
import HookSignatures
import Logging
import LuaRuntime
import NIOCore
import NIOHTTP1
import Prometheus
import ServiceLifecycle
import Synchronization

/// An intake server on a free loopback port over a fresh SQLite queue, with one rule and its subscriptions, and an
/// HTTP client to talk to it. Stopped gracefully (as SIGTERM would) by ``stop()``.
final class ServerHarness: Sendable {
    static let rule = """
        return rule {
          scopes = { "product/updated", "product/deleted" },
          event = header "X-Topic",
          records = function(hook) if hook.body.items then return hook.body.items end return { hook.body } end,
          id = field "id",
          on = {
            ["products/update"] = "product/updated",
            ["products/delete"] = "product/deleted",
            ["boom"] = function(record) error("cannot map " .. tostring(record.id)) end,
          },
        }
        """

    let folder: URL
    let queue: SQLiteTransferQueue
    let service: IntakeService
    let registry: PrometheusCollectorRegistry
    /// The process-wide client: one of its own, left unshut by a test that throws before ``stop()``, would stop
    /// the whole test process in its deinit.
    let client: HTTPClient
    let port: Int
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    static func start(
        rule: String = rule, maxBodyBytes: Int = 1 << 20, committer settings: GroupCommitter.Settings = .init(),
        capture: URL? = nil
    ) async throws -> ServerHarness {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID().uuidString)")
        let queue = try SQLiteTransferQueue(folder: folder)
        let book = try RuleBook.load(scripts: [("shop", LuaScript(name: "rules/shop.lua", text: rule))])
        let engine = try RuleEngine(
            book: book,
            subscriptions: [
                Subscription(id: "acme", integration: "shop", deletes: .delete),
                Subscription(id: "locked", integration: "shop"),
            ],
            poolSize: 2)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let registry = PrometheusCollectorRegistry()
        let metrics = IntakeMetrics(factory: PrometheusMetricsFactory(registry: registry))
        let committer = GroupCommitter(store: queue, settings: settings, metrics: metrics)
        let capturer = try capture.map { try HookCapturer(folder: $0, rate: { _ in 1 }, logger: logger) }
        let service = IntakeService(
            engine: engine, store: queue, committer: committer,
            authenticators: { $0.id == "locked" ? nil : RequestAuthenticator.none },
            settings: IntakeService.Settings(maxBodyBytes: maxBodyBytes), capturer: capturer, metrics: metrics,
            logger: logger)
        let server = IntakeServer(
            service: service, queue: queue, registry: registry, reloads: ReloadStatus(),
            settings: IntakeServer.Settings(host: "127.0.0.1", port: 0), logger: logger)
        let bound = PortBox()
        let app = server.application { port in bound.set(port) }
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let running = Task { try await group.run() }
        let port = try await bound.wait()
        return ServerHarness(
            folder: folder, queue: queue, service: service, registry: registry, client: .shared, port: port,
            group: group, running: running)
    }

    private init(
        folder: URL, queue: SQLiteTransferQueue, service: IntakeService, registry: PrometheusCollectorRegistry,
        client: HTTPClient, port: Int, group: ServiceGroup, running: Task<Void, any Error>
    ) {
        self.folder = folder
        self.queue = queue
        self.service = service
        self.registry = registry
        self.client = client
        self.port = port
        self.group = group
        self.running = running
    }

    struct Reply {
        let status: Int
        let headers: HookModel.HTTPHeaders
        let body: String

        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) ?? [:]
        }
    }

    func send(
        _ method: HTTPMethod = .POST, _ path: String, headers: [(String, String)] = [], body: HTTPClientRequest.Body? = nil
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = body }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return Reply(
            status: Int(response.status.code),
            headers: HookModel.HTTPHeaders(response.headers.map { (name: $0.name, value: $0.value) }),
            body: String(buffer: bytes))
    }

    func post(_ path: String = "/hooks/acme", topic: String = "products/update", json: String) async throws -> Reply {
        try await send(.POST, path, headers: [("X-Topic", topic), ("Content-Type", "application/json")], body: .bytes(ByteBuffer(string: json)))
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await running.value
        try await queue.close()
        try? FileManager.default.removeItem(at: folder)
    }
}

/// The port the server bound, handed from its start-up callback to the test.
final class PortBox: Sendable {
    private let port = Mutex<Int?>(nil)

    func set(_ value: Int) { port.withLock { $0 = value } }

    func wait() async throws -> Int {
        for _ in 0..<500 {
            if let value = port.withLock({ $0 }) { return value }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw HarnessError("the server did not start within 5 s")
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

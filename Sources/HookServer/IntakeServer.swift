import HookIntake
import HookQueue
import HookSignatures
import Hummingbird
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle

/// `hookrules serve`'s HTTP server: the live endpoint, health and readiness, and metrics, with whatever else runs
/// beside it in the process (the rules watcher, workers) as services of one group. SIGTERM or SIGINT stops it
/// gracefully: no new connections, requests in flight finish (their commit included), then the other services
/// stop (workers give their claims back).
public struct IntakeServer: Sendable {
    public struct Settings: Sendable {
        public var host: String
        public var port: Int

        public init(host: String = "127.0.0.1", port: Int = 8080) {
            self.host = host
            self.port = port
        }
    }

    let service: IntakeService
    let queue: any TransferQueue
    let registry: PrometheusCollectorRegistry
    let reloads: ReloadStatus
    let workerHealth: QueueHealth
    let apiKeys: @Sendable () -> [String: BearerKeys]
    let settings: Settings
    let logger: Logger

    /// - Parameters:
    ///   - workerHealth: what the in-process workers find of the queue (``IntakeStack/workerHealth``), for `/readyz`.
    ///   - apiKeys: each subscription's manual-sync API keys, as the configuration says now.
    public init(
        service: IntakeService, queue: any TransferQueue, registry: PrometheusCollectorRegistry,
        reloads: ReloadStatus, workerHealth: QueueHealth = QueueHealth(), apiKeys: @escaping @Sendable () -> [String: BearerKeys] = { [:] }, settings: Settings,
        logger: Logger
    ) {
        self.service = service
        self.queue = queue
        self.registry = registry
        self.reloads = reloads
        self.workerHealth = workerHealth
        self.apiKeys = apiKeys
        self.settings = settings
        self.logger = logger
    }

    /// The router of every endpoint.
    func router() -> Router<BasicRequestContext> {
        let router = Router()
        HookRoutes(service: service).add(to: router)
        HealthRoutes(service: service, queue: queue, reloads: reloads, workerHealth: workerHealth).add(to: router)
        MetricsRoute(registry: registry, queue: queue).add(to: router)
        TransferRoutes(service: service, apiKeys: apiKeys).add(to: router)
        return router
    }

    /// The application, with `services` run beside the server and `onRunning` called with the bound port (port 0
    /// in the settings picks a free one).
    public func application(
        services: [any Service] = [], onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(),
            configuration: ApplicationConfiguration(
                address: .hostname(settings.host, port: settings.port), serverName: "hookrules"),
            services: services,
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? settings.port) },
            logger: logger)
    }

    /// Serves until SIGTERM or SIGINT, then stops gracefully.
    public func run(services: [any Service] = [], onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await application(services: services, onRunning: onRunning).runService()
    }
}

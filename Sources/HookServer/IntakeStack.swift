import Foundation
import HookIntake
import HookQueue
import HookRules
import HookRulesConfig
import Logging
import Prometheus
import ServiceLifecycle

/// Everything `hookrules serve` runs, put together from a loaded rules folder and an open queue: the engine, the
/// subscriptions' access table, the group committer, the intake service, the HTTP server and the rules watcher,
/// which reloads the engine and the access table together. The CLI and the benchmark build it the same way.
public struct IntakeStack: Sendable {
    public struct Settings: Sendable {
        public var server: IntakeServer.Settings
        public var intake: IntakeService.Settings
        public var committer: GroupCommitter.Settings
        /// Where `--capture` writes envelopes, and the share of hooks of subscriptions that set none.
        public var captureFolder: URL?
        public var captureShare: Double
        /// How often the rules folder is checked for changes.
        public var watchInterval: Duration
        /// Where `${NAME}` secrets are read.
        public var environment: [String: String]

        public init(
            server: IntakeServer.Settings = .init(), intake: IntakeService.Settings = .init(),
            committer: GroupCommitter.Settings = .init(), captureFolder: URL? = nil, captureShare: Double = 1,
            watchInterval: Duration = .seconds(1), environment: [String: String] = ProcessInfo.processInfo.environment
        ) {
            self.server = server
            self.intake = intake
            self.committer = committer
            self.captureFolder = captureFolder
            self.captureShare = captureShare
            self.watchInterval = watchInterval
            self.environment = environment
        }
    }

    public let server: IntakeServer
    public let service: IntakeService
    public let access: AccessTable
    public let reloads: ReloadStatus
    /// Whether the queue answers the in-process workers (`serve --target`), which share it: their outages are logged
    /// once per change and shown by `/readyz`.
    public let workerHealth: QueueHealth
    let watcher: RuleWatcher
    let watchBaseline: [String: Data]
    let watchInterval: Duration
    let logger: Logger
    let registry: PrometheusCollectorRegistry

    public init(
        folder: RuleFolder, queue: any TransferQueue & HookIntakeStore, settings: Settings, logger: Logger
    ) throws {
        let engine = try folder.engine()
        let access = try AccessTable(folder: folder, environment: settings.environment)
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.valueHistogramBuckets[IntakeMetrics.batchRecords] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
        let metrics = IntakeMetrics(factory: factory)
        let capturer = try settings.captureFolder.map { captureFolder in
            try HookCapturer(
                folder: captureFolder,
                rate: { [share = settings.captureShare] in access.captureShare(of: $0, fallback: share) }, logger: logger)
        }
        let service = IntakeService(
            engine: engine, store: queue, committer: GroupCommitter(store: queue, settings: settings.committer, metrics: metrics),
            authenticators: { access.authenticator(for: $0) }, settings: settings.intake, capturer: capturer,
            metrics: metrics, logger: logger)
        let reloads = ReloadStatus()
        let workerHealth = QueueHealth { change in
            switch change {
            case .lost, .stillLost: logger.error("workers: \(change)")
            case .restored: logger.notice("workers: \(change)")
            }
        }
        self.server = IntakeServer(
            service: service, queue: queue, registry: registry, reloads: reloads, workerHealth: workerHealth,
            apiKeys: { access.apiKeys }, settings: settings.server, logger: logger)
        self.service = service
        self.access = access
        self.reloads = reloads
        self.workerHealth = workerHealth
        self.registry = registry
        self.logger = logger
        watcher = RuleWatcher(engine: engine, folder: folder.folder, subscriptionsPath: folder.subscriptionsPath)
        watchBaseline = folder.filesBeforeLoading
        watchInterval = settings.watchInterval
    }

    static var reloadsMetric: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "hookrules", metricName: "reloads", unitName: "total",
            helpText: "Reloads of the rules and subscriptions, by result.")
    }

    /// Reloads on file changes and SIGHUP; the access table follows the rules, and `/readyz` and the metrics say
    /// how the last reload went.
    public func watchService() -> RulesWatchService {
        RulesWatchService(watcher: watcher, interval: watchInterval, baseline: watchBaseline) { [access, reloads, logger, registry] event in
            switch event {
            case .reloaded(let generation, let folder):
                do throws(RuleFolderError) {
                    try access.reload(folder)
                    reloads.reloaded()
                    registry.makeCounter(descriptor: Self.reloadsMetric, labels: [("result", "loaded")]).increment()
                    logger.info("rules reloaded", metadata: ["generation": "\(generation)"])
                } catch {
                    reloads.accessRejected(error.problems)
                    registry.makeCounter(descriptor: Self.reloadsMetric, labels: [("result", "access_rejected")]).increment()
                    logger.error("reloaded rules, but kept the previous access settings", metadata: ["problems": "\(error)"])
                }
            case .rejected(let problems):
                reloads.rejected(problems)
                registry.makeCounter(descriptor: Self.reloadsMetric, labels: [("result", "rejected")]).increment()
                logger.error("rules change did not load; the previous rules keep serving", metadata: ["problems": "\(problems)"])
            }
        }
    }
}

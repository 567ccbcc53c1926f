import HookWorker
import Logging
import ServiceLifecycle

/// Workers in the server's process (`serve --target`): they drain the queue the server fills, and on a graceful
/// stop claim nothing more, finish what is in flight within their grace period and give the rest back.
public struct WorkerService: Service {
    let worker: TransferWorker
    let logger: Logger
    let onStop: @Sendable () async -> Void

    public init(worker: TransferWorker, logger: Logger, onStop: @escaping @Sendable () async -> Void = {}) {
        self.worker = worker
        self.logger = logger
        self.onStop = onStop
    }

    public func run() async throws {
        let stop = StopRequest()
        defer { Task { await onStop() } }
        let report = try await withGracefulShutdownHandler {
            try await worker.run(until: stop)
        } onGracefulShutdown: {
            stop.request()
        }
        logger.info("workers stopped", metadata: [
            "done": "\(report.done)", "retried": "\(report.retried)", "dead": "\(report.deadLettered)",
            "released": "\(report.released)",
        ])
    }
}

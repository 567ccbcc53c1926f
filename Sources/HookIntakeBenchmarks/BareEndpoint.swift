import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The reference: a Hummingbird endpoint on the same route that reads the same bodies (up to the same limit) and
/// answers 202 with a small JSON body, storing nothing. What the intake server costs beyond HTTP is the difference.
/// It runs in the benchmark's process, which does nothing else while wrk posts to it.
final class BareEndpoint: Sendable {
    let url: String
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    static func start() async throws -> BareEndpoint {
        var logger = Logger(label: "bare")
        logger.logLevel = .warning
        let bound = AsyncStream<Int>.makeStream()
        let group = ServiceGroup(
            configuration: .init(
                services: [application(logger: logger) { bound.continuation.yield($0) }], gracefulShutdownSignals: [],
                logger: logger))
        let running = Task { try await group.run() }
        guard let port = await bound.stream.first(where: { _ in true }) else {
            throw BenchmarkFailure("the bare endpoint did not start")
        }
        return BareEndpoint(url: "http://127.0.0.1:\(port)", group: group, running: running)
    }

    private init(url: String, group: ServiceGroup, running: Task<Void, any Error>) {
        self.url = url
        self.group = group
        self.running = running
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await running.value
    }

    private static func application(
        logger: Logger, onRunning: @escaping @Sendable (Int) -> Void
    ) -> some ApplicationProtocol {
        let router = Router()
        router.post("/hooks/:subscription") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 10 << 20)
            let reply = ByteBuffer(string: "{\"hook\":\"bare\",\"bytes\":\(body.readableBytes)}\n")
            return Response(status: .accepted, body: ResponseBody(byteBuffer: reply))
        }
        return Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in onRunning(channel.localAddress?.port ?? 0) }, logger: logger)
    }
}

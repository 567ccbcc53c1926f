import Hummingbird
import Logging
import NIOCore

/// The reference: a Hummingbird endpoint on the same routes that reads the same bodies (up to the same limit) and
/// answers 202 with a small JSON body, storing nothing. What the intake server costs beyond HTTP is the difference.
enum BareEndpoint {
    static func application(port: Int, onRunning: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        let router = Router()
        router.post("/hooks/:subscription") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 10 << 20)
            let reply = ByteBuffer(string: "{\"hook\":\"bare\",\"bytes\":\(body.readableBytes)}\n")
            return Response(status: .accepted, body: ResponseBody(byteBuffer: reply))
        }
        var logger = Logger(label: "bare")
        logger.logLevel = .warning
        return Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) }, logger: logger)
    }
}

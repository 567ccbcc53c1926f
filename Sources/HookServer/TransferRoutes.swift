import HookIntake
import HookModel
import HookSignatures
import Hummingbird
import NIOCore

/// `POST /api/transfers`: the manual-sync API. The Bearer key names the subscription (each subscription's
/// `api_keys`); the body is one order `{"id": "12345", "scope": "product/updated"}` or a list of them.
struct TransferRoutes<Context: RequestContext>: Sendable {
    let service: IntakeService
    let apiKeys: @Sendable () -> [String: BearerKeys]
    /// The largest body read: a list of orders, not a hook.
    static var maxBodyBytes: Int { 4 << 20 }

    func add(to router: Router<Context>) {
        router.post("/api/transfers") { request, _ in try await transfers(request) }
    }

    private func transfers(_ request: Request) async throws -> Response {
        var request = request
        let headers = HTTPHeaders(request.headers.map { (name: $0.name.rawName, value: $0.value) })
        guard let subscription = subscription(presenting: headers) else {
            return Response(IntakeReply(
                status: 401, headers: [(name: "WWW-Authenticate", value: "Bearer")],
                body: Array("{\"error\":\"unauthorized\"}\n".utf8)))
        }
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: Self.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            return Response(IntakeReply(status: 413, body: Array("{\"error\":\"the body is over \(Self.maxBodyBytes) bytes\"}\n".utf8)))
        }
        return Response(await service.transfers(Array(buffer: body), for: subscription))
    }

    /// The subscription whose API key the request presents. Every subscription's keys are tried (each comparison
    /// takes the same time), so the answer does not tell which keys exist.
    private func subscription(presenting headers: HTTPHeaders) -> Subscription? {
        var found: String?
        for (id, keys) in apiKeys() where (try? keys.verify(headers)) != nil {
            found = id
        }
        return found.flatMap { service.engine.subscriptions[$0] }
    }
}

import HookIntake
import HTTPTypes
import HookModel
import Hummingbird
import NIOCore

/// `/hooks/{subscription}`: the live endpoint. The body is read up to the subscription's limit (a Content-Length
/// over it is refused before reading; a chunked body is refused once it passes the limit), then the intake service
/// decides the reply, after the commit.
struct HookRoutes<Context: RequestContext>: Sendable {
    let service: IntakeService

    func add(to router: Router<Context>) {
        router.on("/hooks/:subscription", method: .post) { request, context in try await receive(request, context) }
        for method in [HTTPRequest.Method.put, .patch, .get, .delete] {
            router.on("/hooks/:subscription", method: method) { request, context in try await receive(request, context) }
        }
    }

    private func receive(_ request: Request, _ context: Context) async throws -> Response {
        var request = request
        let subscription = try context.parameters.require("subscription")
        var headers = HTTPHeaders(request.headers.map { (name: $0.name.rawName, value: $0.value) })
        // HTTP/1.1's Host header arrives as the request's authority, not among its fields: put it back, as schemes
        // that sign the URL (and captures) need it.
        if let authority = request.head.authority, headers["host"] == nil { headers.add("Host", authority) }
        var received = ReceivedHook(
            subscription: subscription, method: request.method.rawValue, target: request.uri.string, headers: headers,
            query: Self.query(of: request), body: [])
        let limit = service.maxBodyBytes(forSubscription: subscription)
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            return Response(service.refuseTooLarge(received, limit: limit))
        }
        do {
            let buffer = try await request.collectBody(upTo: limit)
            received.body = Array(buffer: buffer)
        } catch is NIOTooManyBytesError {
            return Response(service.refuseTooLarge(received, limit: limit))
        }
        return Response(await service.receive(received))
    }

    /// Query parameters, decoded; a name given twice keeps its last value.
    static func query(of request: Request) -> [String: String] {
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters {
            query[String(name)] = String(value)
        }
        return query
    }
}

extension Response {
    init(_ reply: IntakeReply) {
        var headers = HTTPFields()
        for (name, value) in reply.headers {
            if let field = HTTPField.Name(name) { headers.append(HTTPField(name: field, value: value)) }
        }
        self.init(
            status: HTTPResponse.Status(code: reply.status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.body)))
    }
}

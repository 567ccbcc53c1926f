import AsyncHTTPClient
import Foundation
import HookSignatures
import NIOCore
import NIOHTTP1

/// Talks to a `serve` process over loopback HTTP as senders, operators and integrators do.
struct ServeClient: Sendable {
    struct Answer: Sendable {
        let status: Int
        let headers: [(name: String, value: String)]
        let body: String

        var json: [String: any Sendable] {
            ((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: any Sendable]) ?? [:]
        }

        func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }

        var isSuccess: Bool { (200...299).contains(status) }
    }

    /// The process-wide client, which needs no shutdown: a client of its own, left unshut by a test that threw
    /// before the end, would stop the whole test process in its deinit.
    var http: HTTPClient { .shared }

    /// Posts a signed request as it is: its URL, headers and exact body.
    func post(_ request: WebhookRequest, timeout: Duration = .seconds(30)) async throws -> Answer {
        try await send(
            .POST, request.url, headers: request.headers.fields, body: .bytes(ByteBuffer(bytes: request.body)),
            timeout: timeout)
    }

    func get(_ url: String) async throws -> Answer {
        try await send(.GET, url)
    }

    func send(
        _ method: HTTPMethod, _ url: String, headers: [(name: String, value: String)] = [],
        body: HTTPClientRequest.Body? = nil, timeout: Duration = .seconds(30)
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = body }
        let response = try await http.execute(request, timeout: .seconds(Int64(timeout.components.seconds)))
        let bytes = try await response.body.collect(upTo: 4 << 20)
        return Answer(
            status: Int(response.status.code), headers: response.headers.map { (name: $0.name, value: $0.value) },
            body: String(buffer: bytes))
    }
}

import AsyncHTTPClient
import Foundation
import HookQueue
import NIOCore
import NIOHTTP1

/// Posts each request as JSON (a ``Delivery``) to one URL: 2xx is done; 429 and 5xx are retried, after the
/// response's Retry-After when it has one; any other 4xx is rejected to the dead letter; a network error or a
/// missed deadline is retried. Redirects are not followed: a POST must not silently change target.
///
/// The delivery's deadline covers all of it: connecting, sending, the response's headers and its whole body. (The
/// HTTP client's own deadline ends at the headers, so a target that sent them and then stalled held the request
/// for ever.)
public struct HTTPTarget: TransferProcessor {
    public let url: String
    private let client: HTTPClient
    private let worker: String

    /// - Parameters:
    ///   - client: the caller owns it and shuts it down after the workers stopped.
    ///   - worker: sent as `User-Agent`-like `X-HookRules-Worker`, so the target can tell workers apart.
    public init(url: String, client: HTTPClient, worker: String) {
        self.url = url
        self.client = client
        self.worker = worker
    }

    /// A client configured for targets: no redirects, connections pooled.
    public static func makeClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func process(_ claim: ClaimedRequest, deadline: ContinuousClock.Instant) async -> ProcessingResult {
        let body: Data
        do {
            body = try Self.encoder.encode(Delivery(claim))
        } catch {
            return .reject(error: "cannot encode the request as JSON: \(error)")
        }
        let request = request(posting: body, for: claim)
        let allowed = ContinuousClock.now.duration(to: deadline)
        let client = client
        do {
            return try await withDeadline(deadline, "timed out: no complete response within \(allowed.secondsText)") {
                let response = try await client.execute(
                    request, deadline: .now() + .nanoseconds(max(0, allowed.nanoseconds)))
                let excerpt = try await Self.excerpt(of: response)
                return Self.result(
                    status: response.status, retryAfter: response.headers.first(name: "Retry-After"), excerpt: excerpt)
            }
        } catch {
            return .retry(error: "POST \(url): \(error)", retryAfter: nil)
        }
    }

    private func request(posting body: Data, for claim: ClaimedRequest) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Idempotency-Key", value: claim.id.description)
        request.headers.add(name: "X-HookRules-Attempt", value: String(claim.attempt))
        request.headers.add(name: "X-HookRules-Worker", value: worker)
        request.body = .bytes(ByteBuffer(bytes: body))
        return request
    }

    static func result(status: HTTPResponseStatus, retryAfter: String?, excerpt: String) -> ProcessingResult {
        let error = "HTTP \(status.code)" + (excerpt.isEmpty ? "" : ": \(excerpt)")
        switch status.code {
        case 200..<300: return .done
        case 429, 500..<600: return .retry(error: error, retryAfter: RetryAfter.delay(retryAfter))
        case 400..<500: return .reject(error: error)
        default: return .retry(error: error + " (unexpected status)", retryAfter: nil)
        }
    }

    /// The start of the response body, kept with a failed attempt so `queue dead` shows what the target said.
    private static func excerpt(of response: HTTPClientResponse) async throws -> String {
        var buffer = try await response.body.collect(upTo: 64 * 1024)
        let text = buffer.readString(length: min(buffer.readableBytes, 300)) ?? ""
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

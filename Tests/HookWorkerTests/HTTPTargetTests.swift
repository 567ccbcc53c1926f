import AsyncHTTPClient
import Foundation
import HookQueue
import HookModel
@testable import HookWorker
import LoopbackTarget
import Testing

@Suite("HTTP target, over loopback")
struct HTTPTargetTests {
    static let claim = ClaimedRequest(
        id: QueueItemID(42),
        request: TransferRequest(
            subscription: "shop-1", integration: "shopify", scope: Scope(collection: "product", action: .updated),
            externalId: "820982911946154508", hookId: "samples/shopify/products.update.json"),
        attempt: 3, coalesced: 2, worker: "w1", leaseExpiresAt: Date(), enqueuedAt: Date(), lastError: nil)

    /// Posts `claim` to a loopback target answering `reply`; returns the result and what the target received.
    func post(answering reply: LoopbackTarget.Reply) async throws -> (ProcessingResult, LoopbackTarget.Received?) {
        let server = try await LoopbackTarget.start { _ in reply }
        let client = HTTPTarget.makeClient()
        let result = await HTTPTarget(url: server.url, client: client, worker: "w1").process(Self.claim, deadline: .now + .seconds(30))
        try await client.shutdown()
        try await server.stop()
        return (result, server.received.first)
    }

    @Test("2xx is done; the body is the request as JSON with its queue id, attempt and merge count; ids exact")
    func delivered() async throws {
        let (result, received) = try await post(answering: LoopbackTarget.Reply(status: 204))
        #expect(result == .done)
        let request = try #require(received)
        #expect(request.method == "POST" && request.uri == "/transfers")
        #expect(request.header("Content-Type") == "application/json" && request.header("Idempotency-Key") == "42")
        #expect(request.header("X-HookRules-Attempt") == "3" && request.header("X-HookRules-Worker") == "w1")
        let delivery = try JSONDecoder().decode(Delivery.self, from: request.body)
        #expect(delivery == Delivery(Self.claim))
        #expect(String(decoding: request.body, as: UTF8.self).contains(#""externalId":"820982911946154508""#))
    }

    @Test("429 and 5xx are retried, after Retry-After in seconds or as a date; other 4xx are rejected with the body")
    func failures() async throws {
        #expect(try await post(answering: LoopbackTarget.Reply(status: 503, headers: [("Retry-After", "7")], body: "down")).0
            == .retry(error: "HTTP 503: down", retryAfter: .seconds(7)))
        #expect(try await post(answering: LoopbackTarget.Reply(status: 500)).0 == .retry(error: "HTTP 500", retryAfter: nil))
        let soon = Date().addingTimeInterval(120)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let (throttled, _) = try await post(answering: LoopbackTarget.Reply(status: 429, headers: [("Retry-After", formatter.string(from: soon))]))
        guard case let .retry(error, retryAfter?) = throttled else { Issue.record("not a timed retry: \(throttled)"); return }
        #expect(error == "HTTP 429" && retryAfter > .seconds(100) && retryAfter <= .seconds(121))
        #expect(try await post(answering: LoopbackTarget.Reply(status: 404, body: #"{"error":"no such product"}"#)).0
            == .reject(error: #"HTTP 404: {"error":"no such product"}"#))
        #expect(try await post(answering: LoopbackTarget.Reply(status: 301, headers: [("Location", "/elsewhere")])).0
            == .retry(error: "HTTP 301 (unexpected status)", retryAfter: nil))
    }

    @Test("a target that is not listening is a retry naming the URL")
    func unreachable() async throws {
        let server = try await LoopbackTarget.start()
        let url = server.url
        try await server.stop()
        let client = HTTPTarget.makeClient()
        let result = await HTTPTarget(url: url, client: client, worker: "w1").process(Self.claim, deadline: .now + .seconds(1))
        try await client.shutdown()
        guard case let .retry(error, nil) = result else { Issue.record("not a retry: \(result)"); return }
        #expect(error.hasPrefix("POST \(url): "))
    }

    @Test("one deadline covers the whole answer: a target that sends its headers and stalls the body is a retry at the deadline", .timeLimit(.minutes(1)))
    func stalledBody() async throws {
        let server = try await LoopbackTarget.start { _ in
            LoopbackTarget.Reply(status: 200, body: "ok", bodyDelay: .seconds(30))
        }
        let client = HTTPTarget.makeClient()
        let started = ContinuousClock.now
        let result = await HTTPTarget(url: server.url, client: client, worker: "w1")
            .process(Self.claim, deadline: started + .seconds(1))
        let took = started.duration(to: .now)
        try await client.shutdown()
        try await server.stop()
        #expect(result == .retry(error: "POST \(server.url): timed out: no complete response within 1 s", retryAfter: nil))
        // Well under the target's 30 s stall; the slack is for a loaded machine.
        #expect(took >= .seconds(1) && took < .seconds(10), "took \(took)")
    }

    @Test("Retry-After: seconds, an IMF date (past means now), garbage ignored")
    func retryAfterParsing() {
        let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(RetryAfter.delay("120", now: now) == .seconds(120))
        #expect(RetryAfter.delay("Sun, 06 Nov 1994 08:50:37 GMT", now: now) == .seconds(60))
        #expect(RetryAfter.delay("Sun, 06 Nov 1994 08:40:37 GMT", now: now) == .zero)
        #expect(RetryAfter.delay("soon", now: now) == nil)
        #expect(RetryAfter.delay("-5", now: now) == nil)
        #expect(RetryAfter.delay(nil, now: now) == nil)
    }
}

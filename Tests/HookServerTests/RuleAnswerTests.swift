import AsyncHTTPClient
import Foundation
import HookCapture
import HookModel
import HookQueue
import NIOCore
import Testing

@Suite("Intake endpoint over loopback: the rule's own answers, and captures")
struct RuleAnswerTests {
    static let rule = """
        return rule {
          scopes = { "product/updated" },
          event = header "X-Topic",
          id = field "id",
          methods = { "POST", "PUT" },
          delivery = header "X-Delivery",
          on = { ["products/update"] = "product/updated", ["ping"] = ignore "a ping" },
          reply = function(hook)
            if hook.headers["x-wants-ack"] then
              return { status = 200, headers = { ["Content-Type"] = "text/xml" }, body = "<Ack>true</Ack>" }
            end
          end,
          handshake = function(hook)
            if hook.query.challenge then return { status = 200, body = hook.query.challenge } end
          end,
        }
        """

    @Test("a handshake is answered by the rule and commits nothing; a GET without one is 405")
    func handshake() async throws {
        let server = try await ServerHarness.start(rule: Self.rule)
        let challenge = try await server.send(.GET, "/hooks/acme?challenge=abc123")
        #expect(challenge.status == 200 && challenge.body == "abc123")
        let plainGet = try await server.send(.GET, "/hooks/acme")
        #expect(plainGet.status == 405 && plainGet.headers["allow"] == "POST, PUT")
        let put = try await server.send(
            .PUT, "/hooks/acme", headers: [("X-Topic", "products/update"), ("Content-Type", "application/json")],
            body: .bytes(ByteBuffer(string: #"{"id": 9}"#)))
        #expect(put.status == 202, "a method the rule lists is a hook like POST")
        #expect(try await server.queue.stats().total.pending == 1)
        try await server.stop()
    }

    @Test("a rule's reply is sent after the commit, and again for a redelivery")
    func reply() async throws {
        let server = try await ServerHarness.start(rule: Self.rule)
        let headers = [("X-Topic", "products/update"), ("X-Wants-Ack", "1"), ("X-Delivery", "d-1"), ("Content-Type", "application/json")]
        let first = try await server.send(.POST, "/hooks/acme", headers: headers, body: .bytes(ByteBuffer(string: #"{"id": 5}"#)))
        #expect(first.status == 200 && first.body == "<Ack>true</Ack>" && first.headers["content-type"] == "text/xml")
        #expect(try await server.queue.stats().total.pending == 1, "the reply came after the commit")
        let again = try await server.send(.POST, "/hooks/acme", headers: headers, body: .bytes(ByteBuffer(string: #"{"id": 5}"#)))
        #expect(again.status == 200 && again.body == "<Ack>true</Ack>")
        let stats = try await server.queue.stats()
        #expect(stats.total.pending == 1, "the redelivery added nothing")
        try await server.stop()
    }

    @Test("authenticated hooks are written as capture envelopes that read back exactly")
    func capture() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("captures-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try await ServerHarness.start(rule: Self.rule, capture: folder)
        let body = #"{"id": 18446744073709551617, "name": "ünïcødé"}"#
        let reply = try await server.post(json: body)
        let hookId = try #require(reply.json["hook"] as? String)
        _ = try await server.post("/hooks/locked", json: #"{"id": 1}"#)
        let file = folder.appendingPathComponent("acme/\(hookId).hook.json")
        try await IntakeEndpointTests.eventually { FileManager.default.fileExists(atPath: file.path) }
        let captured = try CapturedHook(path: file.path)
        #expect(captured.body == Array(body.utf8) && captured.subscription == "acme" && captured.id == hookId)
        #expect(captured.headers["x-topic"] == "products/update" && captured.integration == "shop")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("locked").path),
            "a request refused before authentication is not captured")
        try await server.stop()
    }
}

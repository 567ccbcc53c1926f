import AsyncHTTPClient
import Foundation
import HookModel
import NIOCore
import Testing

/// What `serve` answers other than hooks' authentication: bodies over the limit and the manual-sync API.
@Suite("serve's body limit and manual-sync API over loopback")
struct ServeRequestTests {
    @Test(
        "--max-body: 413 by Content-Length and while a chunked body streams in; kept as rejected; serving goes on",
        .timeLimit(.minutes(1)))
    func bodyLimit() async throws {
        let folder = try TemporaryFolder()
        let queue = try ServedQueue(.sqlite, folder: folder)
        let client = ServeClient()
        let serve = try ServeProcess(["--queue", queue.location, "--max-body", "1024"])
        let port = try await serve.waitUntilServing()
        let base = "http://127.0.0.1:\(port)"

        let big = LoadHook.shopifyProduct(1, sender: .shopify)
        let padded = Array(#"{"id":1,"body_html":"\#(String(repeating: "x", count: 4096))"}"#.utf8)
        let declared = try await client.post(DemoSender.shopify.request(base: base, headers: big.headers, body: padded))
        #expect(declared.status == 413, "\(declared.body)")

        // Signed as a whole, sent in chunks without a Content-Length: the server only learns the size by reading.
        let signed = try DemoSender.shopify.request(base: base, headers: big.headers, body: padded)
        let chunks = AsyncStream<ByteBuffer> { continuation in
            for start in stride(from: 0, to: padded.count, by: 256) {
                continuation.yield(ByteBuffer(bytes: padded[start..<min(start + 256, padded.count)]))
            }
            continuation.finish()
        }
        let chunked = try await client.send(
            .POST, signed.url, headers: signed.headers.fields, body: .stream(chunks, length: .unknown))
        #expect(chunked.status == 413, "\(chunked.body)")

        let small = LoadHook.shopifyProduct(2)
        let accepted = try await client.post(small.request(base: base))
        #expect(accepted.status == 202, "the server serves on after refusing: \(accepted.body)")

        try await eventually { try await queue.kept(.rejected).count >= 2 }
        let rejected = try queue.listedByCLI(.rejected)
        #expect(rejected.count == 2 && rejected.allSatisfy {
            ($0["cause"] as? String)?.hasPrefix("too_large: the body is over the limit of 1024 bytes") == true
                && $0["bytes"] as? Int == 0
        }, "\(rejected)")
        #expect(try await queue.entries().map(\.request.externalId) == ["2"])
        #expect(try await serve.stop() == 0)
        try await queue.remove()
    }

    @Test(
        "POST /api/transfers: exact 64-bit ids queued, action aliases; 422 with the valid scopes; 401 for a wrong key",
        .timeLimit(.minutes(1)))
    func manualSync() async throws {
        let folder = try TemporaryFolder()
        let queue = try ServedQueue(.sqlite, folder: folder)
        let client = ServeClient()
        let serve = try ServeProcess(["--queue", queue.location])
        let port = try await serve.waitUntilServing()
        let url = "http://127.0.0.1:\(port)/api/transfers"
        func call(_ body: String, key: String = "demo-shopify-api-key") async throws -> ServeClient.Answer {
            try await client.send(
                .POST, url, headers: [("Authorization", "Bearer \(key)"), ("Content-Type", "application/json")],
                body: .bytes(ByteBuffer(string: body)))
        }

        let orders = """
            [{"id": "18446744073709551615", "scope": "product/updated"},
             {"id": 9223372036854775807, "scope": "customer/created", "direction": "from", "debug": true},
             {"id": 18446744073709551614, "scope": "product/update"}]
            """
        let accepted = try await call(orders)
        #expect(accepted.status == 202 && accepted.json["requests"] as? Int == 3, "\(accepted.status) \(accepted.body)")
        let queued = try await queue.entries()
        let requests = Dictionary(uniqueKeysWithValues: queued.map { ($0.request.externalId, $0.request) })
        #expect(
            Set(requests.keys) == ["18446744073709551615", "9223372036854775807", "18446744073709551614"],
            "\(requests.keys)")
        #expect(requests["18446744073709551615"]?.scope.description == "product/updated")
        #expect(
            requests["18446744073709551614"]?.scope.description == "product/updated",
            "the action word update is read as updated")
        let debug = requests["9223372036854775807"]
        #expect(debug?.scope.description == "customer/created" && debug?.direction == .from && debug?.debug == true)
        #expect(requests.values.allSatisfy { $0.subscription == "demo-shopify" && $0.integration == "shopify" })

        let outside = try await call(#"[{"id": "1", "scope": "product/updated"}, {"id": "2", "scope": "product/archived"}]"#)
        #expect(outside.status == 422, "\(outside.body)")
        let valid = outside.json["valid_scopes"] as? [String] ?? []
        #expect(
            valid.contains("product/updated") && valid.contains("customer/created") && !valid.contains("product/archived"),
            "\(outside.body)")
        #expect(
            outside.json["order"] as? Int == 2 && (outside.json["error"] as? String)?.contains("product/archived") == true)

        let wrongKey = try await call(#"{"id": "3", "scope": "product/updated"}"#, key: "not-a-key")
        #expect(wrongKey.status == 401 && wrongKey.header("WWW-Authenticate") == "Bearer")
        // A webhook secret is not an API key.
        #expect(try await call(#"{"id": "4", "scope": "product/updated"}"#, key: "demo-shopify-secret").status == 401)
        #expect(try await queue.entries().count == 3, "nothing of a refused call is queued")
        #expect(try await serve.stop() == 0)
        try await queue.remove()
    }
}

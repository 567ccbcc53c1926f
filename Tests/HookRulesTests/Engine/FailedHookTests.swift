import Foundation
import HookRules
import LuaRuntime
import Testing

@Suite("Failed hooks are kept, exactly, for replay once the rule is fixed")
struct FailedHookTests {
    @Test("a hook whose rule fails is stored as an envelope with its errors and resolves after the fix")
    func keepAndReplay() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("failed-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let broken = try RuleBook.load(scripts: [("shop", LuaScript(name: "rules/shop.lua", text: Array("""
            return rule { scopes = { "product/updated" }, scope = "product/updated", id = field "sku" }
            """.utf8)))])
        let subscription = Subscription(id: "s", integration: "shop")
        let engine = try RuleEngine(book: broken, subscriptions: [subscription], poolSize: 1)
        let intake = HookIntake(engine: engine, failed: try FailedHookStore(folder: folder))
        let body: [UInt8] = Array(#"{"id": 820982911946154508, "note": "caf\#u{e9}"}"#.utf8) + [0x0a]
        var headers = HTTPHeaders()
        headers.add("X-Topic", "products/update")
        headers.add("X-Topic", "second value")
        let hook = Hook(id: "delivery/42", integration: "shop", subscription: "s", headers: headers, body: body)

        let outcome = try await intake.receive(hook)
        #expect(outcome.failed)
        let kept = intake.failed.paths()
        #expect(kept.count == 1 && kept[0].hasSuffix("-delivery_42.hook.json"))

        let capture = try CapturedHook(path: kept[0])
        #expect(capture.body == body, "the raw bytes survive exactly")
        #expect(capture.headers.fields.map(\.value) == ["products/update", "second value"])
        #expect(capture.id == "delivery/42" && capture.subscription == "s" && capture.integration == "shop")
        let text = try String(contentsOfFile: kept[0], encoding: .utf8)
        #expect(text.contains("rules/shop.lua:1: record 1: the record has no id"), "\(text)")

        try engine.reload(book: try RuleBook.load(scripts: [("shop", LuaScript(name: "rules/shop.lua", text: Array("""
            return rule { scopes = { "product/updated" }, scope = "product/updated", id = field "id" }
            """.utf8)))]))
        let replayed = await engine.process(capture.hook(subscription: subscription))
        #expect(replayed.requests.map(\.externalId) == ["820982911946154508"])
        try intake.failed.remove(kept[0])
        #expect(intake.failed.paths().isEmpty)
    }

    @Test("a hook that resolves is not stored")
    func resolvedNotKept() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("failed-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let harness = try EngineHarness(#"return rule { scopes = { "product/updated" }, scope = "product/updated", id = field "id" }"#)
        let intake = HookIntake(engine: harness.engine, failed: try FailedHookStore(folder: folder))
        let outcome = try await intake.receive(Hook(
            id: "h", integration: "shop", subscription: harness.subscription.id, body: Array(#"{"id": 1}"#.utf8)))
        #expect(!outcome.failed && intake.failed.paths().isEmpty)
    }
}

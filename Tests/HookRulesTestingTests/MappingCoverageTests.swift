import HookModel
import HookRules
import HookRulesTesting
import LuaRuntime
import Testing

@Suite("Mapping coverage: which on entries, unless presets, scopes and resolve steps the hooks exercised")
struct MappingCoverageTests {
    static func engine(_ source: String) throws -> RuleEngine {
        let book = try RuleBook.load(scripts: [("shop", LuaScript(name: "rules/shop.lua", text: source))])
        return try RuleEngine(book: book, subscriptions: [], poolSize: 1, measuringCoverage: true)
    }

    static func run(_ engine: RuleEngine, _ body: String, presets: [String: PresetValue] = [:], deletes: DeletePolicy = .ignore) async {
        let subscription = Subscription(id: "s", integration: "shop", presets: presets, deletes: deletes)
        _ = await engine.process(Hook(id: "h", subscription: "s", body: Array(body.utf8)), subscription: subscription)
    }

    @Test("each on entry counts its requests and ignored records; an unless entry counts each side")
    func onEntries() async throws {
        let engine = try Self.engine("""
            return rule {
              scopes = { "product/updated", "product/deleted", "cart/updated" },
              presets = { quiet = "boolean" },
              records = field "body",
              event = field "type",
              id = field "id",
              on = {
                product = "product/updated",
                gone = "product/deleted",
                cart = { scope = "cart/updated", unless = "quiet" },
                note = ignore "not synced",
              },
            }
            """)
        // A delete ignored by the delete policy still exercised its entry: the rule made the request.
        await Self.run(engine, #"[{"type": "product", "id": 1}, {"type": "product", "id": 2}, {"type": "gone", "id": 3}]"#)
        await Self.run(engine, #"[{"type": "cart", "id": 4}, {"type": "other", "id": 5}]"#, presets: ["quiet": true])
        let coverage = try #require(engine.mappingCoverage(of: ["shop", "unknown"]).first)
        #expect(coverage.path == "rules/shop.lua")
        #expect(coverage.items.map(\.description) == [
            #"on "product""#, #"on "gone""#, #"on "cart" switched off by preset "quiet""#,
            #"on "cart" with preset "quiet" not set"#, #"on "note""#,
        ])
        #expect(coverage.items.map(\.line) == [8, 9, 10, 10, 11])
        #expect(coverage.items.map(\.hits) == [2, 1, 1, 0, 0])
        #expect(coverage.exercisedCount == 3)
        #expect([coverage].totals == (exercised: 3, items: 5))
        #expect(coverage.unexercised.map(\.line) == [10, 11])
    }

    @Test("a rule-wide scope and its resolve step count the records and the child requests")
    func scopeAndResolve() async throws {
        let engine = try Self.engine("""
            return rule {
              scopes = { "message/created", "product/updated" },
              presets = { prefixes = "table" },
              records = field "body.messages",
              scope = "message/created",
              id = field "ref",
              resolve = {
                ["message/created"] = by_prefix { preset = "prefixes" },
              },
            }
            """)
        #expect(engine.mappingCoverage(of: ["shop"]).first?.items.map(\.hits) == [0, 0])
        await Self.run(engine, #"{"messages": [{"ref": "Car:1"}, {"ref": "Car:2"}]}"#, presets: ["prefixes": ["Car": "product"]])
        let coverage = try #require(engine.mappingCoverage(of: ["shop"]).first)
        #expect(coverage.items.map(\.description) == ["scope message/created", #"resolve "message/created""#])
        #expect(coverage.items.map(\.line) == [5, 8])
        #expect(coverage.items.map(\.hits) == [2, 2])
    }

    @Test("an engine that does not measure coverage counts no mapping")
    func offByDefault() async throws {
        let book = try RuleBook.load(scripts: [("shop", LuaScript(name: "rules/shop.lua", text: """
            return rule { scopes = { "product/updated" }, scope = "product/updated", id = field "id" }
            """))])
        let engine = try RuleEngine(book: book, subscriptions: [], poolSize: 1)
        await Self.run(engine, #"{"id": 1}"#)
        #expect(engine.mappingCoverage(of: ["shop"]).first?.items.map(\.hits) == [0])
    }

    @Test("--fail-under: each measure below the threshold is named; percentages round down")
    func threshold() {
        let mapping = RuleMappingCoverage(path: "rules/shop.lua", items: [
            .init(kind: .event("a"), line: 3, hits: 1), .init(kind: .event("b"), line: 4, hits: 0),
            .init(kind: .event("c"), line: 5, hits: 2),
        ])
        #expect(CoverageThreshold(percent: 66).shortfalls(lines: [], mappings: [mapping]).isEmpty)
        #expect(CoverageThreshold(percent: 67).shortfalls(lines: [], mappings: [mapping]) == [
            "mapping coverage 66 % (2/3) is below the required 67 %",
        ])
        #expect(CoverageThreshold.percent(0, of: 0) == 100)
    }
}

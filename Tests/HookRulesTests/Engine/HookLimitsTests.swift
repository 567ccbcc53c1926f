import HookModel
import HookRules
import LuaRuntime
import RuleTestSupport
import Testing

/// Host-side limits: body size, header count and size, form pairs and requests per hook. Each has a default and can
/// be set in the rule file's `limits`; beyond one the hook fails with a message naming the limit (so it is kept for
/// replay), the rule file and its `rule {` line, and the check is linear in the hook's size.
@Suite("Rule engine: host limits")
struct HookLimitsTests {
    static func rule(limits: String = "", records: String = "{ hook.body }") -> String {
        """
        return rule {
          scopes = { "product/updated" },
          scope = "product/updated",
          id = field "id",
          records = function(hook) return \(records) end,
          \(limits)
        }
        """
    }

    static func expectFailure(
        _ outcome: HookOutcome, mentioning text: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(outcome.failed, sourceLocation: sourceLocation)
        let failure = outcome.errors.first
        #expect(failure?.message.contains(text) == true, "\(outcome.errors)", sourceLocation: sourceLocation)
        #expect(failure?.location == RuleLocation(file: "rules/shop.lua", line: 1), sourceLocation: sourceLocation)
    }

    @Test("the defaults")
    func defaults() {
        let limits = HookLimits()
        #expect(limits.bodyBytes == 10 << 20 && limits.headers == 256 && limits.headerBytes == 64 << 10)
        #expect(limits.requests == 1_000 && LuaLimits().formPairs == 10_000)
    }

    @Test("a body over body_bytes fails before it is decoded")
    func bodySize() async throws {
        let harness = try EngineHarness(Self.rule(limits: "limits = { body_bytes = 64 },"))
        #expect(await harness.process(body: #"{"id": 1}"#).summary == ["product/updated 1"])
        let big = #"{"id": 1, "pad": "\#(String(repeating: "x", count: 100))"}"#
        Self.expectFailure(await harness.process(body: big), mentioning: "over the integration's limit of 64 (limits.body_bytes)")
    }

    @Test("too many header fields, or too many header bytes, fail the hook; 40,000 headers are refused quickly")
    func headers() async throws {
        let harness = try EngineHarness(Self.rule(limits: "limits = { headers = 3, header_bytes = 100 },"))
        #expect(await harness.process(body: #"{"id": 1}"#, headers: ["a": "1", "b": "2"]).summary == ["product/updated 1"])
        let many = HTTPHeaders((1...4).map { (name: "x-\($0)", value: "v") })
        Self.expectFailure(await harness.process(body: #"{"id": 1}"#, headers: many), mentioning: "(limits.headers)")
        let long: HTTPHeaders = ["x-long": String(repeating: "v", count: 200)]
        Self.expectFailure(await harness.process(body: #"{"id": 1}"#, headers: long), mentioning: "(limits.header_bytes)")
        let defaults = try EngineHarness(Self.rule())
        let flood = HTTPHeaders((1...40_000).map { (name: "x-h\($0)", value: "v") })
        Self.expectFailure(await defaults.process(body: #"{"id": 1}"#, headers: flood), mentioning: "40000 header fields")
    }

    @Test("headers are normalised in linear time when the limit allows many")
    func manyHeadersAllowed() async throws {
        let harness = try EngineHarness(Self.rule(limits: "limits = { headers = 50000, header_bytes = 4194304 },"))
        let flood = HTTPHeaders((1...40_000).map { (name: "X-H\($0)", value: "v") } + [(name: "x-h7", value: "w")])
        let started = ContinuousClock.now
        let outcome = await harness.process(body: #"{"id": 1}"#, headers: flood)
        #expect(outcome.summary == ["product/updated 1"])
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(flood.normalized["x-h7"] == "v, w")
    }

    @Test("a form body over form_pairs fails with the limit named")
    func formPairs() async throws {
        let harness = try EngineHarness(Self.rule(limits: "limits = { form_pairs = 3 },"))
        let form: HTTPHeaders = ["Content-Type": "application/x-www-form-urlencoded"]
        #expect(await harness.process(body: "id=7&a=1", headers: form).summary == ["product/updated 7"])
        let outcome = await harness.process(body: "id=7&a=1&b=2&c=3", headers: form)
        #expect(outcome.failed)
        #expect(outcome.errors.first?.message.contains("more than 3 pairs (limits.form_pairs)") == true, "\(outcome.errors)")
        // Many pairs where the integration allows them; a million against the defaults fails at once.
        let generous = try EngineHarness(Self.rule(limits: "limits = { form_pairs = 20001 },"))
        let many = "id=1&" + (1...20_000).map { "k\($0)=v" }.joined(separator: "&")
        #expect(await generous.process(body: many, headers: form).summary == ["product/updated 1"])
        let flood = "id=1&" + (1...1_000_000).map { "k\($0)=v" }.joined(separator: "&")
        let defaults = try EngineHarness(Self.rule())
        let started = ContinuousClock.now
        #expect(await defaults.process(body: flood, headers: form).failed)
        #expect(ContinuousClock.now - started < .seconds(2))
    }

    @Test("more requests than the limit fail the hook without reading them")
    func requests() async throws {
        let records = "(function() local list = {} for i = 1, hook.body.n do list[i] = { id = i } end return list end)()"
        let harness = try EngineHarness(Self.rule(limits: "limits = { requests = 5 },", records: records))
        #expect(await harness.process(body: #"{"n": 5}"#).requests.count == 5)
        Self.expectFailure(await harness.process(body: #"{"n": 6}"#), mentioning: "made 6 requests from one hook, over the integration's limit of 5 (limits.requests)")
        let defaults = try EngineHarness(Self.rule(records: records))
        Self.expectFailure(await defaults.process(body: #"{"n": 20000}"#), mentioning: "made 20000 requests")
    }

    /// The time case loops without allocating: a loop that fills a table would reach the default memory cap
    /// first on a fast machine, and which limit trips would depend on the machine.
    @Test("the Lua limits can be set in the rule file too", arguments: [
        ("limits = { time_ms = 50, instructions = 1000000000 },", "local n = 0 for i = 1, 1e9 do n = n + i end",
         "time limit exceeded (0.05 seconds)"),
        ("limits = { instructions = 1000 },", "local t = {} for i = 1, 1e9 do t[i] = i end",
         "instruction limit exceeded (1000 instructions)"),
        ("limits = { memory_bytes = 2097152 },", "local t = {} for i = 1, 1e9 do t[i] = i end",
         "memory limit exceeded (2097152 bytes)"),
    ])
    func luaLimits(limits: String, loop: String, message: String) async throws {
        let harness = try EngineHarness(Self.rule(limits: limits, records: "(function() \(loop) end)()"))
        let outcome = await harness.process(body: #"{"id": 1}"#)
        #expect(outcome.errors.first?.message == message, "\(outcome.errors)")
    }

    @Test("limits are checked when the rule loads", arguments: [
        ("limits = 5,", "limits must be a table"),
        ("limits = { body = 5 },", #"unknown limit "body""#),
        ("limits = { body_bytes = -1 },", "limit body_bytes must be a positive integer"),
        ("limits = { body_bytes = 1.5 },", "limit body_bytes must be a positive integer"),
    ])
    func invalidLimits(limits: String, message: String) throws {
        let error = #expect(throws: RuleBookError.self) {
            _ = try RuleBook.load(scripts: [("shop", LuaScript(name: "rules/shop.lua", text: Self.rule(limits: limits)))])
        }
        #expect(error?.problems.first?.message.contains(message) == true, "\(String(describing: error))")
    }
}

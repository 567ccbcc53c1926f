import LuaRuntime
import Testing

/// `.lazyStrings` (how `hook.headers` arrives) must look to a rule exactly like `.strings`: reads of single names are
/// answered from the host's pairs, anything else builds the table first.
@Suite("Lazy tables of strings (hook.headers)")
struct LazyStringsTests {
    static let pairs: [(name: String, value: String)] = [
        (name: "content-type", value: "application/json"), (name: "x-topic", value: "orders/create"),
        (name: "x-long", value: String(repeating: "é", count: 40)), (name: "", value: "empty name"),
        (name: "x-topic", value: "repeated: the last one wins"),
    ]

    @Test("every way of reading the table sees the same as the eager table", arguments: [
        "return hook['x-topic'], hook['content-type'], hook['X-Topic'], hook.missing, hook['']",
        "return hook['x-long'], hook['x-long'] == hook['x-long'], #hook['x-long']",
        "return hook.a, hook.b, hook.c, hook.d, hook['x-topic'], hook['content-type']",
        "local keys = {} for key, value in pairs(hook) do keys[#keys + 1] = key .. '=' .. value end table.sort(keys) return table.concat(keys, ';')",
        "return next(hook) ~= nil, rawget(hook, 'x-topic'), rawlen(hook), getmetatable(hook), #hook, hook[1]",
        "hook.extra = 'x' return hook.extra, hook['x-topic']",
        "hook['x-topic'] = nil return hook['x-topic'], rawget(hook, 'content-type')",
        "return setmetatable(hook, {}) == hook, hook['x-topic']",
        "local n = 0 for _ in ipairs(hook) do n = n + 1 end return n, hook[true], hook[1.5]",
        "return hook",
    ])
    func sameAsEager(source: String) throws {
        let eager = try RuleOutcome.of(source, with: .strings(Self.pairs))
        let lazy = try RuleOutcome.of(source, with: .lazyStrings(Self.pairs))
        #expect(eager == lazy)
    }

    @Test("an empty table of strings reads as an empty table")
    func empty() throws {
        let source = "return hook.x, next(hook), #hook, hook"
        #expect(try RuleOutcome.of(source, with: .strings([])) == RuleOutcome.of(source, with: .lazyStrings([])))
    }
}

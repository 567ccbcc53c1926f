import LuaRuntime
import Testing

/// `.tableDeferringBytes` (how `hook.raw` arrives) must look to a rule exactly like `.table` with the bytes in it;
/// only the copy into Lua waits until the rule reaches for the field or the table as a whole.
@Suite("Deferred byte fields (hook.raw)")
struct DeferredBytesTests {
    /// Not UTF-8, with a NUL: the field holds bytes, not text.
    static let raw: [UInt8] = [0x7B, 0xFF, 0x00, 0x41, 0x7D]

    private static func fields(_ body: [UInt8]) -> [(String, LuaInput)] {
        [("id", .value("hook-1")), ("headers", .strings([(name: "x-topic", value: "t")])), ("body", .lazyJSON(body))]
    }

    /// What `source` (the body of `handle(hook)`) returns with the field set eagerly, and with it deferred.
    private func bothWays(_ source: String, raw: [UInt8] = raw) throws -> (eager: RuleOutcome, deferred: RuleOutcome) {
        let body = Array(#"{"id": 7, "data": {"a": 1}}"#.utf8)
        let eager = try RuleOutcome.of(source, with: .table(Self.fields(body) + [("raw", .bytes(raw))]))
        let deferred = try RuleOutcome.of(source, with: .tableDeferringBytes(Self.fields(body), name: "raw", bytes: raw))
        return (eager, deferred)
    }

    @Test("every way of reaching the field or the table sees the same as with the field set", arguments: [
        "return hook.raw, #hook.raw, hook.raw == hook.raw, hook.id, hook.body.id",
        "local keys = {} for key in pairs(hook) do keys[#keys + 1] = key end table.sort(keys) return table.concat(keys, ',')",
        "local keys = {} local k = next(hook) while k do keys[#keys + 1] = k k = next(hook, k) end table.sort(keys) return table.concat(keys, ',')",
        "return rawget(hook, 'raw'), rawlen(hook), getmetatable(hook), #hook",
        "return hook.missing, hook[1], hook.raw",
        "hook.extra = 1 return hook.extra, hook.raw, rawget(hook, 'raw')",
        "hook.raw = nil return hook.raw",
        "rawset(hook, 'raw', 'x') return hook.raw",
        "return setmetatable(hook, {}) == hook, hook.raw",
        "local n = 0 for _ in ipairs(hook) do n = n + 1 end return n, hook.raw",
        "return type(hook), rawequal(hook, hook), select('#', table.unpack(hook))",
        "local copy = {} for k, v in pairs(hook) do copy[k] = v end return copy.raw, copy.id",
        // Returned, the table is read whole: here the raw bytes are not UTF-8, which both ways refuse alike.
        "return hook",
        "return { hook.headers, hook.raw }",
    ])
    func sameAsEager(source: String) throws {
        let (eager, deferred) = try bothWays(source)
        #expect(eager == deferred)
    }

    @Test("a returned table reads whole, the deferred field included")
    func returnedTable() throws {
        let (eager, deferred) = try bothWays("return hook", raw: Array(#"{"id": 7}"#.utf8))
        #expect(eager == deferred)
        guard case .values(let values) = deferred else {
            Issue.record("\(deferred)")
            return
        }
        #expect(values.first?["raw"] == .string(#"{"id": 7}"#))
    }

    @Test("the bytes are copied into Lua only when reached: an untouched field costs no memory of the state")
    func copiedOnlyWhenRead() throws {
        let limits = LuaLimits(memoryBytes: 1 << 20)
        let raw = [UInt8](repeating: 0x61, count: 2 << 20)
        var untouched = try RuleHarness("return { handle = function(hook) return hook.id end }", limits: limits)
        #expect(try untouched.handle(.tableDeferringBytes([("id", .value(1))], name: "raw", bytes: raw)).values == [1])
        var reading = try RuleHarness("return { handle = function(hook) return #hook.raw end }", limits: limits)
        let error = expectLuaError { _ = try reading.handle(.tableDeferringBytes([("id", .value(1))], name: "raw", bytes: raw)) }
        #expect(error?.kind == .memoryLimit)
        try reading.expectHealthy()
    }
}

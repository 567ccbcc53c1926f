import LuaRuntime
import Testing

@Suite("Values out of Lua")
struct ValueConversionTests {
    @Test("plain data converts exactly")
    func plainData() throws {
        var rule = try RuleHarness("""
            return { handle = function()
              return nil, true, math.maxinteger, math.mininteger, 0.5, "héllo", { 1, "two", { three = 3 } }, {}, json.null
            end }
            """)
        let values = try rule.handle().values
        #expect(values == [
            .nil, true, .integer(.max), .integer(.min), 0.5, "héllo", [1, "two", ["three": 3]], .table([:]), .nil,
        ])
    }

    @Test("what cannot leave Lua gives a clear error, never a crash or a hang", arguments: [
        ("local t = {} t.self = t return t", "cycle"),
        ("local t = {} for i = 1, 1100000 do t[i] = i end return t", "too large"),
        ("return setmetatable({}, { __index = function() error('boom') end })", "metatable"),
        ("return setmetatable({}, { __pairs = function() error('boom') end })", "metatable"),
        ("return { [true] = 1 }", "key of type boolean"),
        ("return { [1.5] = 1 }", "key of type number"),
        ("return { [{}] = 1 }", "key of type table"),
        ("return { 1, 2, name = 'x' }", "mixes"),
        ("return { [1] = 1, [3] = 3 }", "gap"),
        ("return { f = function() end }", "function"),
        ("return coroutine.create(function() end)", "thread"),
        ("return '\\xff\\xfe'", "UTF-8"),
        ("local t = {} local c = t for i = 1, 100 do c.next = {} c = c.next end return t", "deeper"),
    ])
    func unconvertible(source: String, expected: String) throws {
        var rule = try RuleHarness("return { handle = function() \(source) end }")
        let error = expectLuaError { _ = try rule.handle() }
        #expect(error?.kind == .unconvertibleResult)
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "no error")")
        try rule.expectHealthy()
    }

    @Test("the error names where in the result the problem is")
    func errorPath() throws {
        var rule = try RuleHarness("return { handle = function() return { requests = { { id = 1 }, { id = print } } } end }")
        let error = expectLuaError { _ = try rule.handle() }
        #expect(error?.message.hasPrefix("result 1.requests[2].id is a function") == true, "\(error?.message ?? "")")
    }
}

@Suite("Values into Lua")
struct ValueInputTests {
    @Test("the host's table, raw bytes and decoded bodies reach the rule")
    func hookTable() throws {
        var rule = try RuleHarness("""
            return { handle = function(hook)
              return hook.headers["x-topic"], #hook.raw, hook.body.id, math.type(hook.body.id), hook.form.a
            end }
            """)
        let body = Array(#"{"id": 820982911946154508}"#.utf8)
        let run = try rule.handle(.table([
            ("headers", .value(["x-topic": "products/update"])),
            ("raw", .bytes(body)),
            ("body", .json(body)),
            ("form", .form(Array("a=1+2&b=3".utf8))),
        ]))
        #expect(run.values == ["products/update", .integer(Int64(body.count)), .integer(820_982_911_946_154_508), "integer", "1 2"])
    }

    @Test("invalid JSON is refused with its byte offset before the rule runs")
    func invalidJSON() throws {
        var rule = try RuleHarness("return { handle = function(body) return body end }")
        let error = expectLuaError { _ = try rule.handle(.json(Array(#"{"id": 1,}"#.utf8))) }
        #expect(error?.kind == .invalidInput)
        #expect(error?.message.contains("byte 9") == true, "\(error?.message ?? "")")
        try rule.expectHealthy()
    }

    @Test("json.decode works inside rules and reports bad input at the rule's line")
    func jsonDecode() throws {
        var rule = try RuleHarness("""
            return { handle = function(text)
              return json.decode(text).payload.id
            end }
            """)
        #expect(try rule.handle(.value(#"{"payload": {"id": 9007199254740993}}"#)).values == [.integer(9_007_199_254_740_993)])
        let error = expectLuaError { _ = try rule.handle(.value("{nope")) }
        #expect(error?.kind == .runtime)
        #expect(error?.location?.line == 2)
        #expect(error?.message.contains("json.decode") == true)
    }
}

import LuaRuntime
import Testing

/// `.lazyJSON` (how hooks' bodies arrive) must accept and refuse exactly what `.json` does, at the same byte, and give
/// rules the same values; only the parts a rule never touches are never built.
@Suite("Lazily decoded JSON bodies")
struct LazyJSONTests {
    private enum Decoded: Equatable {
        case value(LuaValue)
        case refused(String)
    }

    /// What eager and lazy decoding make of `bytes`: the value, or the error message.
    private func bothWays(_ bytes: [UInt8]) throws -> (eager: Decoded, lazy: Decoded) {
        var eager = try DecodingHarness()
        var lazy = try DecodingHarness(lazily: true)
        func outcome(_ decoder: inout DecodingHarness) -> Decoded {
            do { return .value(try decoder.decode(bytes)) } catch { return .refused("\(error)") }
        }
        return (outcome(&eager), outcome(&lazy))
    }

    @Test("every bundled sample reads the same lazily as eagerly")
    func bundledSamples() throws {
        for sample in try BundledSamples.all() {
            let (eager, lazy) = try bothWays(sample.bytes)
            #expect(eager == lazy, "\(sample.path)")
        }
    }

    @Test("JSONTestSuite-style documents: same refusals at the same byte, same values",
        arguments: JSONTestSuiteTests.mustFail.map(\.document) + JSONTestSuiteTests.mustPass.map(\.document))
    func testSuiteDocuments(document: String) throws {
        let (eager, lazy) = try bothWays(Array(document.utf8))
        #expect(eager == lazy)
    }

    @Test("damaged bodies: every truncation and thousands of byte changes are judged alike")
    func damagedBodies() throws {
        let sample = try BundledSamples.bytes("shopify/products.update.json")
        let replacements: [UInt8] = [0x00, 0x09, 0x22, 0x2C, 0x30, 0x3A, 0x5B, 0x5C, 0x5D, 0x7B, 0x7D, 0x80, 0xC3, 0xED, 0xF4, 0xFF]
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        var cases: [[UInt8]] = stride(from: 0, to: sample.count, by: 7).map { Array(sample[..<$0]) }
        for _ in 0..<1_500 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            var damaged = sample
            damaged[Int(seed >> 33) % sample.count] = replacements[Int(seed >> 20) % replacements.count]
            cases.append(damaged)
        }
        let escapes = Array(#"{"a": "x\u00e9\ud83d\ude00\n", "b": ["\u12", "\"], "c": 1e5, "d": -0.5E-3}"#.utf8)
        for index in escapes.indices {
            var damaged = escapes
            damaged.remove(at: index)
            cases.append(damaged)
        }
        for bytes in cases {
            let (eager, lazy) = try bothWays(bytes)
            if eager != lazy {
                let text = "\(String(decoding: bytes.prefix(200), as: UTF8.self)): \(eager) vs \(lazy)"
                Issue.record(Comment(rawValue: String(text.prefix(600))))
            }
        }
    }

    @Test("an invalid part the rule never reads still refuses the body before the rule runs")
    func invalidUntouchedPart() throws {
        var rule = try RuleHarness("return { handle = function(body) print('ran') return body.id end }")
        let error = expectLuaError { _ = try rule.handle(.lazyJSON(Array(#"{"id": 1, "deep": {"x": [1, 2,]}}"#.utf8))) }
        #expect(error?.kind == .invalidInput)
        #expect(error?.message.contains("invalid JSON at byte 30") == true, "\(error?.message ?? "")")
        #expect(error?.log.isEmpty == true)
    }

    @Test("untouched containers are placeholders that behave like the tables they stand for")
    func placeholdersBehaveLikeTables() throws {
        let body = #"{"a": {"x": 1, "y": [10, 20, 30]}, "b": [1, {"c": "z"}], "e": {}, "f": [], "g": {"k": 1}, "h": {"k": 2}, "i": {"k": 3}, "j": [5, 6], "l": [7]}"#
        let values = try inspect(body, """
            local keys = {}
            for key in pairs(body.a) do keys[#keys + 1] = key end
            table.sort(keys)
            local nexted = next(body.g)
            local items = {}
            for _, value in ipairs(body.b) do items[#items + 1] = type(value) end
            body.h.extra = true
            rawset(body.i, "raw", 1)
            return table.concat(keys, ","), #body.a.y, body.b[2].c, rawlen(body.j), rawget(body.l, 1),
              next(body.e) == nil, #body.f, nexted, table.concat(items, ","), body.h.k, body.h.extra,
              body.i.k, body.i.raw, getmetatable(body.a) == nil, setmetatable(body.e, {}) == body.e
            """, lazily: true)
        #expect(values == ["x,y", 3, "z", 2, 7, true, 0, "k", "number,table", 2, true, 3, 1, true, true])
    }

    @Test("a placeholder returned by the rule is read whole")
    func placeholderInResult() throws {
        let values = try inspect(#"{"a": {"b": {"c": [1, {"d": null}, null]}}}"#, "return body.a", lazily: true)
        #expect(values == [["b": ["c": [1, [:], .nil]]]])
    }

    @Test("64-bit ids deep inside stay exact, beyond-64-bit ones stay strings")
    func exactNumbersDeepInside() throws {
        let values = try inspect(
            #"{"data": {"object": {"id": 820982911946154508, "big": 18446744073709551616, "neg": -9223372036854775808}}}"#,
            "return body.data.object.id, body.data.object.big, body.data.object.neg", lazily: true)
        #expect(values == [.integer(820_982_911_946_154_508), "18446744073709551616", .integer(Int64.min)])
    }

    @Test("building a part over the memory cap fails the run with the memory limit, even under pcall")
    func buildingOverTheCap() throws {
        let limits = LuaLimits(memoryBytes: 1 << 20)
        var rule = try RuleHarness("""
            return { handle = function(body)
              local ok = pcall(function() return #body.list end)
              return ok
            end }
            """, limits: limits)
        let list = "[" + Array(repeating: "\"abcdefghijklmnop\"", count: 200_000).joined(separator: ",") + "]"
        let error = expectLuaError { _ = try rule.handle(.lazyJSON(Array(#"{"list": \#(list)}"#.utf8))) }
        #expect(error?.kind == .memoryLimit)
        try rule.expectHealthy()
    }

    @Test("members read from an object's bytes before it is built agree with the built table, and keep identity")
    func memberLookups() throws {
        let body = #"""
            {"a": {"x": 1, "x": 2, "n": 5, "n": null, "s": "q\"uo\\te", "o": {"k": "v"}, "l": [1, 2], "t": true,
                   "f": 1.5e3, "z": null},
             "b": {"e\u0073c": 3, "plain": 4}, "d": {"v": 1}, "d": {"v": 2}, "big": {"id": 820982911946154508}}
            """#
        let values = try inspect(body, """
            local o = body.a.o
            o.added = "w"
            return body.a.x, body.a.n, body.a.s, body.a.z == nil, body.a.missing == nil, body.a[1] == nil,
              body.a.t, body.a.f, body.a.l[2], body.a.o == o, body.a.o.added, body.a.o.k,
              body.b.plain, body.b.esc, body.d.v, body.big.id
            """, lazily: true)
        #expect(values == [
            2, 5, "q\"uo\\te", true, true, true, true, 1500.0, 2, true, "w", "v", 4, 3, 2, .integer(820_982_911_946_154_508),
        ])
    }

    @Test("a member read many times, or after its object was built, stays the same value")
    func repeatedLookups() throws {
        let values = try inspect(#"{"a": {"c": {"d": 1}, "e": "x"}}"#, """
            local first = body.a.c
            for _ = 1, 10 do assert(body.a.c == first and body.a.e == "x") end
            local keys = 0
            for _ in pairs(body.a) do keys = keys + 1 end
            return body.a.c == first, keys, first.d
            """, lazily: true)
        #expect(values == [true, 2, 1])
    }

    @Test("runs of spaces (indentation, trailing padding) are skipped to the last byte, never past it", arguments: [
        "{\n                \"a\": [1,\n                2]\n}" + String(repeating: " ", count: 16),
        "[1]" + String(repeating: " ", count: 8), "[1]" + String(repeating: " ", count: 9), String(repeating: " ", count: 8),
        "[" + String(repeating: " ", count: 8), "{\"a\":" + String(repeating: " ", count: 24),
    ])
    func whitespaceRuns(document: String) throws {
        let (eager, lazy) = try bothWays(Array(document.utf8))
        #expect(eager == lazy)
    }
}

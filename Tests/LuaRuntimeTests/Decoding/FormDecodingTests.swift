import LuaRuntime
import Testing

@Suite("Form bodies (application/x-www-form-urlencoded)")
struct FormDecodingTests {
    func decode(_ body: String) throws -> LuaValue {
        var rule = try RuleHarness("return { handle = function(form) return form end }")
        return try rule.handle(.form(Array(body.utf8))).values.first ?? .nil
    }

    @Test("pairs, plus signs and percent escapes")
    func basics() throws {
        #expect(try decode("a=1&b=hello+world&c=%C3%A9t%C3%A9&d=%2B%26%3D") == [
            "a": "1", "b": "hello world", "c": "été", "d": "+&=",
        ])
    }

    @Test("empty pieces are skipped; a name without '=' has an empty value; only the first '=' splits")
    func edges() throws {
        #expect(try decode("&&a&b=&c=1=2&") == ["a": "", "b": "", "c": "1=2"])
        #expect(try decode("") == .table([:]))
    }

    @Test("a '%' without two hex digits stays as it is")
    func invalidPercent() throws {
        #expect(try decode("a=100%&b=%zz&c=%4") == ["a": "100%", "b": "%zz", "c": "%4"])
    }

    @Test("a repeated name becomes a list of its values in order")
    func repeatedNames() throws {
        #expect(try decode("tag=a&x=1&tag=b&tag=c") == ["tag": ["a", "b", "c"], "x": "1"])
    }

    @Test("GitHub's form-encoded delivery: the JSON payload decodes with json.decode")
    func githubFormPayload() throws {
        var rule = try RuleHarness("return { handle = function(form) return json.decode(form.payload).issue.id end }")
        let body = "payload=%7B%22issue%22%3A%7B%22id%22%3A9007199254740993%7D%7D"
        #expect(try rule.handle(.form(Array(body.utf8))).values == [.integer(9_007_199_254_740_993)])
    }
}

import LuaRuntime
import Testing

/// `LuaTableFields`, the typed reader's view of a result table on the Lua stack.
@Suite("Typed reading of result tables")
struct TableFieldsTests {
    /// Reads the only result of `source`'s `handle` field by field, naming each key by the literals it matches.
    private func keysMatched(_ source: String) throws -> [String] {
        var state = try LuaState()
        let script = try state.load(LuaScript(name: "probe.lua", text: "return { handle = function() \(source) end }"))
        let run = try state.call(script, function: "handle", arguments: []) { results -> [String]? in
            guard var fields = results.fields(ofResult: 1) else { return nil }
            var names: [String] = []
            while fields.next() {
                if fields.key(is: "a") { names.append("a") }
                if fields.key(is: "id") { names.append("id") }
                if fields.key(is: "") { names.append("(empty)") }
                if fields.key(is: "requests") { names.append("requests") }
                if fields.index != nil { names.append("index") }
            }
            return names.sorted()
        }
        return try #require(run.read)
    }

    @Test("keys match a literal with exactly its bytes: not a prefix, not another case, not with a NUL after it")
    func keysMatchLiterals() throws {
        #expect(try keysMatched("return { a = 1, id = 2, [''] = 3, requests = {}, [1] = 'x' }")
            == ["(empty)", "a", "id", "index", "requests"])
        #expect(try keysMatched("return { ab = 1, i = 2, ID = 3, request = 4, ['a\\0'] = 5 }") == [])
    }
}

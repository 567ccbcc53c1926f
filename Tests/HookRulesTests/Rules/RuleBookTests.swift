import HookModel
import HookRules
import LuaRuntime
import Testing

@Suite("Rule book: rule files are checked when loaded")
struct RuleBookTests {
    func problems(_ source: String) -> [RuleFailure] {
        do {
            _ = try RuleBook.load(scripts: [("shop", LuaScript(name: "rules/shop.lua", text: source))])
            Issue.record("expected the rule to be refused")
            return []
        } catch {
            return error.problems
        }
    }

    @Test("a syntax error names file and line")
    func syntax() {
        let found = problems("return rule {\n  scopes = { 'product/updated' }\n  scope = 'product/updated',\n}")
        #expect(found.first?.location == RuleLocation(file: "rules/shop.lua", line: 3))
    }

    @Test("mapping to an undeclared scope names the rule's line", arguments: [
        ("\nreturn rule {\n  scopes = { 'product/updated' },\n  event = field 'e',\n  on = { x = 'product/created' },\n}", "not declared"),
        ("\nreturn rule { scopes = { 'product/updated' }, scope = 'order/updated' }", "not declared"),
        ("\nreturn rule { scopes = { 'Product/Updated' }, scope = 'product/updated' }", "is not a scope"),
        ("\nreturn rule { scopes = { 'product/updated' }, scope = 'product/updated', resolve = { ['x/updated'] = function() end } }", "not declared"),
        ("\nreturn rule { scopes = { 'product/updated' }, event = field 'e', on = { x = { scope = 'product/updated', unless = 'quiet' } } }", #"event "x" reads preset "quiet", which is not declared"#),
        ("\nreturn rule { scopes = { 'm/created', 'product/updated' }, scope = 'm/created', resolve = { ['m/created'] = by_prefix { preset = 'prefixes' } } }", #"resolve "m/created" reads preset "prefixes""#),
        ("\nreturn rule { scopes = { 'product/updated' }, scope = 'product/updated', presets = { quiet = 'bool' } }", #"preset "quiet" must be declared as boolean"#),
    ])
    func undeclared(source: String, expected: String) {
        let found = problems(source)
        #expect(found.first?.message.contains(expected) == true, "\(found)")
        #expect(found.first?.location?.line == 2)
    }

    @Test("declared presets and their types reach the rule file")
    func presets() throws {
        let book = try RuleBook.load(scripts: [("shop", LuaScript(name: "rules/shop.lua", text: """
            return rule {
              scopes = { "m/created", "product/updated" },
              presets = { prefixes = "table", quiet = "boolean" },
              scope = "m/created",
              resolve = { ["m/created"] = by_prefix { preset = "prefixes" } },
            }
            """))])
        #expect(book.rules["shop"]?.presets == ["prefixes": .table, "quiet": .boolean])
    }

    @Test("a misspelt or malformed rule field is refused at its line", arguments: [
        "\nreturn rule { scopes = { 'product/updated' }, scope = 'product/updated', evnt = 1 }",
        "\nreturn rule { scopes = {}, scope = 'product/updated' }",
        "\nreturn rule { scopes = { 'product/updated' } }",
        "\nreturn rule { scopes = { 'product/updated' }, event = 'X-Topic', on = {} }",
    ])
    func malformed(source: String) {
        let found = problems(source)
        #expect(found.first?.location == RuleLocation(file: "rules/shop.lua", line: 2), "\(found)")
    }
}

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

    @Test("mapping to an undeclared scope names the line it is written on", arguments: [
        ("\nreturn rule {\n  scopes = { 'product/updated' },\n  event = field 'e',\n  on = { x = 'product/created' },\n}", "not declared", 5),
        ("\nreturn rule { scopes = { 'product/updated' }, scope = 'order/updated' }", "not declared", 2),
        ("\nreturn rule { scopes = { 'Product/Updated' }, scope = 'product/updated' }", "is not a scope", 2),
        ("\nreturn rule { scopes = { 'product/updated' }, scope = 'product/updated', resolve = { ['x/updated'] = function() end } }", "not declared", 2),
        ("\nreturn rule { scopes = { 'product/updated' }, event = field 'e', on = { x = { scope = 'product/updated', unless = 'quiet' } } }", #"event "x" reads preset "quiet", which is not declared"#, 2),
        ("\nreturn rule { scopes = { 'm/created', 'product/updated' }, scope = 'm/created', resolve = { ['m/created'] = by_prefix { preset = 'prefixes' } } }", #"resolve "m/created" reads preset "prefixes""#, 2),
        ("\nreturn rule { scopes = { 'product/updated' }, scope = 'product/updated', presets = { quiet = 'bool' } }", #"preset "quiet" must be declared as boolean"#, 2),
        ("return rule {\n  scopes = { 'm/created', 'product/updated' },\n  scope = 'm/created',\n  resolve = {\n    ['m/created'] = by_prefix { preset = 'prefixes' },\n  },\n}", #"resolve "m/created" reads preset "prefixes""#, 5),
        ("return rule {\n  scopes = { 'product/updated' },\n  scope = 'product/created',\n}", "scope: scope product/created is not declared", 3),
    ])
    func undeclared(source: String, expected: String, line: Int) {
        let found = problems(source)
        #expect(found.first?.message.contains(expected) == true, "\(found)")
        #expect(found.first?.location?.line == line, "\(found)")
    }

    @Test("a value in scopes that is not a scope reads as Lua writes it", arguments: [
        ("'inventory/adjusted'", #""inventory/adjusted" in scopes"#), ("'say \"hi\"'", #""say \"hi\"" in scopes"#),
    ])
    func scopeLiteral(item: String, expected: String) {
        let found = problems("return rule {\n  scopes = { 'product/updated', \(item) },\n  scope = 'product/updated',\n}")
        #expect(found.first?.message.hasPrefix(expected) == true, "\(found)")
        #expect(found.first?.location?.line == 2)
    }

    @Test("a file that does not return its rule is told to, at the line of its rule call")
    func forgottenReturn() {
        let found = problems("-- a shop\nrule { scopes = { 'product/updated' }, scope = 'product/updated' }")
        #expect(found.first?.message == "the rule file does not return its rule: it must end with `return rule { ... }`")
        #expect(found.first?.location == RuleLocation(file: "rules/shop.lua", line: 2))
    }

    @Test("keeping the loadable rules: a broken file is listed with its problems, the others load")
    func keepLoadable() throws {
        let scripts = [
            ("shop", LuaScript(name: "rules/shop.lua", text: "return rule { scopes = { 'product/updated' }, scope = 'product/updated' }")),
            ("crm", LuaScript(name: "rules/crm.lua", text: "return rule {\n  scopes = { 'customer/updated' }\n  scope = 'x' }")),
        ]
        let book = try RuleBook.load(scripts: scripts, policy: .keepLoadable)
        #expect(Set(book.rules.keys) == ["shop"])
        #expect(book.failed["crm"]?.first?.location == RuleLocation(file: "rules/crm.lua", line: 3))
        #expect(book.problems == book.failed["crm"])
        #expect(throws: RuleBookError.self) { try RuleBook.load(scripts: scripts) }
    }

    @Test("the mappings a rule declares are read with the lines they are written on")
    func mappings() throws {
        let book = try RuleBook.load(scripts: [("shop", LuaScript(name: "rules/shop.lua", text: """
            return rule {
              scopes = { "product/updated", "m/created", "cart/updated" },
              presets = { quiet = "boolean", prefixes = "table" },
              event = field "type",
              on = {
                ["products/update"] = "product/updated",
                message = "m/created",
                ['carts/"odd"'] = { scope = "cart/updated", unless = "quiet" },
                ["app/uninstalled"] = ignore "not synced",
              },
              resolve = {
                ["m/created"] = by_prefix { preset = "prefixes" },
              },
            }
            """))])
        let mappings = try #require(book.rules["shop"]?.mappings)
        #expect(mappings.events.map(\.name) == ["products/update", "message", #"carts/"odd""#, "app/uninstalled"])
        #expect(mappings.events.map(\.line) == [6, 7, 8, 9])
        #expect(mappings.events.map(\.unlessPreset) == [nil, nil, "quiet", nil])
        #expect(mappings.events.map { $0.scope?.description } == ["product/updated", "m/created", "cart/updated", nil])
        #expect(mappings.resolveSteps.map(\.scope) == ["m/created"] && mappings.resolveSteps.map(\.line) == [12])
        #expect(mappings.scope == nil)
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

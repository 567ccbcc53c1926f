import HookModel
import HookRules
import HookRulesConfig
import LuaRuntime
import Testing

@Suite("Subscriptions file: presets and policies, checked against the rules")
struct SubscriptionsFileTests {
    let book: RuleBook

    init() throws {
        book = try RuleBook.load(scripts: [("shop", LuaScript(name: "rules/shop.lua", text: """
            return rule {
              scopes = { "m/created", "product/updated" },
              presets = { prefixes = "table", quiet = "boolean", limit = "integer" },
              scope = "m/created",
              resolve = { ["m/created"] = by_prefix { preset = "prefixes" } },
            }
            """))])
    }

    @Test("a valid file gives subscriptions with typed presets; quoted numbers stay text")
    func valid() throws {
        let subscriptions = try SubscriptionsFile.parse("""
            subscriptions:
              - id: acme
                integration: shop
                deletes: update
                outbound: false
                presets:
                  quiet: true
                  limit: 12
                  prefixes: { Car: product, "007": customer, Big: "18446744073709551617" }
              - id: plain
                integration: shop
            """, path: "subscriptions.yaml", rules: book)
        #expect(subscriptions.count == 2)
        let acme = subscriptions[0]
        #expect(acme.deletes == .update && !acme.outbound)
        #expect(acme.presets["quiet"] == .boolean(true) && acme.presets["limit"] == .integer(12))
        #expect(acme.presets["prefixes"] == .table(["Car": "product", "007": "customer", "Big": "18446744073709551617"]))
        #expect(subscriptions[1].deletes == .ignore && subscriptions[1].outbound && subscriptions[1].presets.isEmpty)
    }

    @Test("each problem names its line", arguments: [
        ("subscriptions:\n  - id: a\n    integration: nope", 3, #"no rule file for integration "nope""#),
        ("subscriptions:\n  - id: a\n    integration: shop\n    presets:\n      qiuet: true", 5, #"preset "qiuet" is not declared by rules/shop.lua (it declares: limit, prefixes, quiet)"#),
        ("subscriptions:\n  - id: a\n    integration: shop\n    presets:\n      quiet: \"yes\"", 5, #"preset "quiet" must be a boolean"#),
        ("subscriptions:\n  - id: a\n    integration: shop\n    deletes: sometimes", 4, "deletes must be ignore, delete or update"),
        ("subscriptions:\n  - id: a\n    integration: shop\n    outbond: false", 4, #"unknown field "outbond""#),
        ("subscriptions:\n  - id: a\n    integration: shop\n  - id: a\n    integration: shop", 4, #"subscription "a" is already defined at line 2"#),
        ("subscriptions:\n  - integration: shop", 2, "id is missing"),
        ("subscriptions:\n  - id: a\n    integration: shop\n    outbound: maybe", 4, "outbound must be true or false"),
        ("subscriptions: [\n", 2, "not valid YAML"),
    ])
    func problems(text: String, line: Int, message: String) {
        #expect {
            try SubscriptionsFile.parse(text, path: "subscriptions.yaml", rules: book)
        } throws: { error in
            guard let problem = (error as? ConfigError)?.problems.first else { return false }
            return problem.line == line && problem.message.contains(message)
        }
    }

    @Test("the directory picks the named, the only, or a default subscription; several need a name")
    func directory() throws {
        let directory = SubscriptionDirectory([
            Subscription(id: "a", integration: "shop"), Subscription(id: "b", integration: "shop"),
            Subscription(id: "c", integration: "crm"),
        ])
        #expect(try directory.subscription(id: "b", integration: "shop").id == "b")
        #expect(try directory.subscription(id: nil, integration: "crm").id == "c")
        #expect(try directory.subscription(id: nil, integration: "erp").id == "erp")
        #expect(throws: SubscriptionLookupError.self) { try directory.subscription(id: nil, integration: "shop") }
        #expect(throws: SubscriptionLookupError.self) { try directory.subscription(id: "c", integration: "shop") }
    }
}

import HookModel
import HookRules
import LuaRuntime
import RuleTestSupport
import Testing

/// The attacks of issue 15 through the whole engine: one state (pool of one), two subscriptions of one integration.
/// A hook of the first subscription attacks; the next hook of the second must give its normal result, and every
/// failure names the rule file and a line of the rule's own code.
@Suite("Rule engine: a hook cannot harm the hooks after it")
struct SandboxAttackTests {
    /// A message-style rule: `by_prefix` resolves ids like "Car:12" through the subscription's preset. A hook whose
    /// `attack` field is set runs that attack first.
    static let rule = """
        local attacks = {
          poison_string = function()
            local _, library = pairs(string)
            if type(library) == "table" then rawset(library, "sub", function() return "666" end) end
            local _, view = pairs(table)
            if type(view) == "table" then rawset(view, "concat", function() return "666" end) end
          end,
          keep_body = function(record) local _, globals = pairs(_G) if type(globals) == "table" then rawset(globals, "kept", record) end end,
          seed = function() math.randomseed(7) end,
          spin = function() while true do end end,
          backtrack = function() return string.rep("a", 65536):find("(.-)(.-)(.-)x") end,
          rep = function() while true do string.rep("", math.maxinteger) end end,
        }
        return rule {
          scopes = { "message/created", "product/updated", "customer/updated" },
          scope = "message/created",
          presets = { prefixes = "table" },
          id = field "id",
          resolve = { ["message/created"] = by_prefix { preset = "prefixes" } },
          on = {},
          records = function(hook)
            local attack = attacks[hook.body.attack or ""]
            if attack then attack(hook.body) end
            return { hook.body }
          end,
        }
        """

    static let presets: [String: PresetValue] = ["prefixes": .table(["Car": "product", "Cus": "customer"])]

    static func engine() throws -> RuleEngine {
        let book = try RuleBook.load(scripts: [("messages", LuaScript(name: "rules/messages.lua", text: rule))])
        return try RuleEngine(
            book: book,
            subscriptions: [
                Subscription(id: "attacker", integration: "messages", presets: presets),
                Subscription(id: "victim", integration: "messages", presets: presets),
            ],
            poolSize: 1)
    }

    static func hook(_ subscription: String, _ body: String, id: String = "hook") -> Hook {
        Hook(id: id, subscription: subscription, body: Array(body.utf8))
    }

    @Test("the attacker's hook, then the victim's: the victim's result is normal", arguments: [
        "poison_string", "keep_body", "seed", "spin", "backtrack", "rep",
    ])
    func attackThenVictim(attack: String) async throws {
        let engine = try Self.engine()
        _ = await engine.process(Self.hook("attacker", #"{"id": "Car:1", "attack": "\#(attack)", "secret": "x"}"#))
        let victim = await engine.process(Self.hook("victim", #"{"id": "Cus:42"}"#))
        #expect(victim.errors.isEmpty, "\(victim.errors)")
        #expect(victim.summary == ["customer/updated 42"])
    }

    @Test("limits that trip inside a mapping name the rule file and the rule's line", arguments: [
        ("spin", 10), ("backtrack", 11), ("rep", 12),
    ])
    func limitLocations(attack: String, line: Int) async throws {
        let book = try RuleBook.load(
            scripts: [("messages", LuaScript(name: "rules/messages.lua", text: Self.rule))],
            limits: LuaLimits(wallClock: .milliseconds(200)))
        let engine = try RuleEngine(
            book: book, subscriptions: [Subscription(id: "s", integration: "messages", presets: Self.presets)],
            poolSize: 1)
        let outcome = await engine.process(Self.hook("s", #"{"id": "Car:1", "attack": "\#(attack)"}"#))
        let failure = try #require(outcome.errors.first)
        #expect(failure.message.contains("limit exceeded"), "\(failure)")
        #expect(failure.location == RuleLocation(file: "rules/messages.lua", line: line), "\(failure)")
        #expect(!failure.message.contains("hookrules."), "\(failure)")
    }

    @Test("a record error raised in a step the rule API made names the rule line of that step")
    func stepErrorLocation() async throws {
        let engine = try Self.engine()
        let outcome = await engine.process(Self.hook("victim", #"{"id": "Boat:1"}"#))
        let failure = try #require(outcome.errors.first)
        #expect(failure.message == #"prefix "Boat" is not in the subscription's preset "prefixes""#)
        #expect(failure.location == RuleLocation(file: "rules/messages.lua", line: 19))
    }

    @Test("a pattern error names the rule's line, never the sandbox's")
    func patternErrorLocation() async throws {
        let harness = try EngineHarness("""
            return rule {
              scopes = { "product/updated" },
              scope = "product/updated",
              id = function(record)
                return record.name:match("(x")
              end,
            }
            """)
        let outcome = await harness.process(body: #"{"name": "x"}"#)
        let failure = try #require(outcome.errors.first)
        #expect(failure.message == "unfinished capture")
        #expect(failure.location == RuleLocation(file: "rules/shop.lua", line: 5))
    }
}

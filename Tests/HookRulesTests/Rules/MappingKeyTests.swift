import HookModel
import HookRules
import LuaRuntime
import RuleTestSupport
import Testing

/// Every key of every mapping table is checked: a misspelt one refuses the rule at load when it is written in `on`,
/// and fails the record when a function returns it, naming the key and the allowed ones. `records` must return a list.
@Suite("Rule API: mapping tables are checked key by key")
struct MappingKeyTests {
    static func loadProblems(_ source: String) -> [RuleFailure] {
        do {
            _ = try RuleBook.load(scripts: [("shop", LuaScript(name: "rules/shop.lua", text: source))])
            return []
        } catch {
            return error.problems
        }
    }

    @Test("a misspelt key in a static on entry refuses the rule at the entry's line", arguments: [
        ("unles = 'quiet'", #"a mapping has an unknown key "unles" (allowed: child, id, ignore, scope, unless)"#),
        ("idd = field 'x'", #"a mapping has an unknown key "idd""#),
        ("chld = { kind = 'order', id = field 'order_id' }", #"a mapping has an unknown key "chld""#),
        ("child = { knd = 'order', id = field 'order_id' }", #"child has an unknown key "knd" (allowed: id, kind)"#),
    ])
    func staticEntry(key: String, message: String) {
        let found = Self.loadProblems("""
            return rule {
              scopes = { "product/updated" },
              event = field "e",
              on = {
                ok = "product/updated",
                bad = { scope = "product/updated", \(key) },
              },
            }
            """)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.message.contains(#"event "bad": "# + message) == true, "\(found)")
        #expect(found.first?.location == RuleLocation(file: "rules/shop.lua", line: 6))
    }

    @Test("a misspelt key returned by a function fails the record at the function, others still resolve")
    func returnedEntry() async throws {
        let harness = try EngineHarness("""
            return rule {
              scopes = { "product/updated" },
              records = field "body.items",
              event = field "e",
              id = field "id",
              on = {
                ok = "product/updated",
                made = function(record)
                  return { scope = "product/updated", idd = record.other }
                end,
              },
            }
            """)
        let outcome = await harness.process(body: #"{"items": [{"e": "ok", "id": 1}, {"e": "made", "id": 2, "other": 3}]}"#)
        #expect(outcome.summary == ["product/updated 1"])
        let failure = try #require(outcome.errors.first)
        #expect(failure.record == 2 && failure.message.contains(#"a mapping has an unknown key "idd""#), "\(outcome.errors)")
        #expect(failure.location?.line == 8 || failure.location?.line == 9, "\(outcome.errors)")
    }

    @Test("a resolve step's result with a misspelt key fails the record")
    func resolveResult() async throws {
        let harness = try EngineHarness("""
            return rule {
              scopes = { "message/created", "product/updated" },
              scope = "message/created",
              id = field "id",
              resolve = {
                ["message/created"] = function(request) return { scope = "product/updated", idd = request.id } end,
              },
            }
            """)
        let outcome = await harness.process(body: #"{"id": 4}"#)
        #expect(outcome.requests.isEmpty)
        #expect(outcome.errors.first?.message.contains(#"a resolve step's result has an unknown key "idd""#) == true, "\(outcome.errors)")
    }

    @Test("records returning an object instead of a list fails the hook, naming a key it has")
    func recordsObject() async throws {
        let harness = try EngineHarness("""
            return rule {
              scopes = { "product/updated" },
              records = field "body.data",
              scope = "product/updated",
              id = field "id",
            }
            """)
        let object = await harness.process(body: #"{"data": {"id": 7}}"#)
        #expect(object.failed && object.requests.isEmpty)
        #expect(object.errors.first?.message == #"records must return a list of records, not a table with the key "id""#,
            "\(object.errors)")
        let list = await harness.process(body: #"{"data": [{"id": 7}]}"#)
        #expect(list.summary == ["product/updated 7"])
        let empty = await harness.process(body: #"{"data": []}"#)
        #expect(!empty.failed && empty.requests.isEmpty)
    }
}

import HookModel
import HookRules
import LuaRuntime
import RuleTestSupport
import Testing

@Suite("Rule engine: the rule API's capabilities")
struct RuleEngineTests {
    @Test("event from a header; the id leaves as the exact digits of the payload")
    func eventFromHeader() async throws {
        let harness = try EngineHarness(bundled: "shopify")
        let outcome = await harness.process(
            body: #"{"id": 820982911946154508, "title": "x"}"#, headers: ["X-Shopify-Topic": "products/update"])
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        #expect(outcome.summary == ["product/updated 820982911946154508"])
        let request = try #require(outcome.requests.first)
        #expect(request.subscription == "sub-1" && request.integration == "shopify" && request.direction == .to)
        #expect(request.mappingCollectionType == "product" && request.action == .updated && request.hookId == "hook-1")
    }

    @Test("a bundled Shopify sample resolves")
    func shopifySample() async throws {
        let harness = try EngineHarness(bundled: "shopify")
        let outcome = try await harness.process(
            sample: "shopify/customers.update.json", headers: ["x-shopify-topic": "customers/update"])
        #expect(outcome.summary == ["customer/updated 706405506930370000"])
    }

    @Test("ignore with a reason, and unmapped events are ignored with a reason")
    func ignored() async throws {
        let harness = try EngineHarness(bundled: "shopify")
        let uninstalled = await harness.process(body: #"{"id": 1}"#, headers: ["X-Shopify-Topic": "app/uninstalled"])
        #expect(uninstalled.requests.isEmpty && !uninstalled.failed)
        #expect(uninstalled.ignored.map(\.reason) == ["app lifecycle events are not synced"])
        let unknown = await harness.process(body: #"{"id": 1}"#, headers: ["X-Shopify-Topic": "themes/publish"])
        #expect(unknown.ignored.first?.reason == #"event "themes/publish" is not mapped by this rule"#)
    }

    @Test("delete hooks: off by default, deletes when enabled, or delete-triggered updates")
    func deletePolicy() async throws {
        let body = #"{"id": 788032119674292922}"#
        let headers: HTTPHeaders = ["X-Shopify-Topic": "products/delete"]
        let off = try EngineHarness(bundled: "shopify")
        let ignored = await off.process(body: body, headers: headers)
        #expect(ignored.requests.isEmpty && ignored.ignored.first?.reason.contains("delete hooks are off") == true)

        let deletes = try EngineHarness(bundled: "shopify", subscription: Subscription(id: "s", integration: "shopify", deletes: .delete))
        #expect(await deletes.process(body: body, headers: headers).summary == ["product/deleted 788032119674292922"])

        let updates = try EngineHarness(bundled: "shopify", subscription: Subscription(id: "s", integration: "shopify", deletes: .update))
        let outcome = await updates.process(body: body, headers: headers)
        #expect(outcome.summary == ["product/updated 788032119674292922"])
        #expect(outcome.requests.first?.deleteTriggered == true)
    }

    @Test("many external events map to one scope; the event name is never passed on")
    func manyToOne() async throws {
        let harness = try EngineHarness("""
            return rule {
              scopes = { "transaction/updated" },
              event = field "event",
              id = field "order.id",
              on = { ["order/updated"] = "transaction/updated", ["order/messageAdded"] = "transaction/updated" },
            }
            """)
        let first = await harness.process(body: #"{"event": "order/updated", "order": {"id": 7}}"#)
        let second = await harness.process(body: #"{"event": "order/messageAdded", "order": {"id": 7}}"#)
        #expect(first.requests == second.requests.map { var r = $0; r.hookId = "hook-1"; return r })
        #expect(first.summary == ["transaction/updated 7"])
    }

    @Test("multi-record splitting: each record its own scope and id; a bad record fails alone")
    func multiRecord() async throws {
        let harness = try EngineHarness(
            bundled: "hubspot", subscription: Subscription(id: "s", integration: "hubspot", deletes: .delete))
        let outcome = await harness.process(body: """
            [{"subscriptionType": "contact.creation", "objectId": 1},
             {"subscriptionType": "contact.propertyChange", "objectId": 2},
             {"subscriptionType": "contact.propertyChange"},
             {"subscriptionType": "deal.deletion", "objectId": 4658499849}]
            """)
        #expect(outcome.summary == ["customer/created 1", "customer/updated 2", "deal/deleted 4658499849"])
        #expect(outcome.errors.map(\.record) == [3])
        #expect(outcome.errors.first?.message == "the record has no id")
        // The line of the record's mapping: ["contact.propertyChange"] = "customer/updated".
        #expect(outcome.errors.first?.location == RuleLocation(file: "rules/hubspot.lua", line: 50))
    }

    @Test("child → parent: an order message becomes its order; a preset can ignore such children")
    func childToParent() async throws {
        let rule = """
            return rule {
              scopes = { "transaction/updated" },
              presets = { ignore_order_messages = "boolean" },
              event = field "scope",
              on = {
                ["store/order/message/created"] = {
                  scope = "transaction/updated", id = field "data.id",
                  child = { kind = "order message", id = field "data.message.order_message_id" },
                  unless = "ignore_order_messages",
                },
              },
            }
            """
        let harness = try EngineHarness(rule)
        let outcome = try await harness.process(sample: "bigcommerce/store.order.message.created.json")
        #expect(outcome.summary == ["transaction/updated 250"])
        #expect(outcome.requests.first?.origin == RequestLink(kind: "order message", externalId: "3"))

        let quiet = try EngineHarness(rule, subscription: Subscription(
            id: "s", integration: "shop", presets: ["ignore_order_messages": true]))
        let ignored = try await quiet.process(sample: "bigcommerce/store.order.message.created.json")
        #expect(ignored.requests.isEmpty && ignored.ignored.first?.reason.contains("ignore_order_messages") == true)
    }

    @Test("prerequisite: a generic scope resolves through the subscription's presets into a child request")
    func prerequisite() async throws {
        let harness = try EngineHarness("""
            return rule {
              scopes = { "message/created", "product/updated", "customer/updated" },
              presets = { prefixes = "table" },
              scope = "message/created",
              id = field "ref",
              resolve = { ["message/created"] = by_prefix { preset = "prefixes", separator = ":" } },
            }
            """, subscription: Subscription(
                id: "s", integration: "shop", presets: ["prefixes": ["Car": "product", "Cust": "customer"]]))
        let car = await harness.process(body: #"{"ref": "Car:1234"}"#)
        #expect(car.summary == ["product/updated 1234"])
        let request = try #require(car.requests.first)
        #expect(request.childRequest && request.parent == RequestLink(kind: "message/created", externalId: "Car:1234"))
        let unknown = await harness.process(body: #"{"ref": "Boat:9"}"#)
        #expect(unknown.failed && unknown.errors.first?.message.contains(#"prefix "Boat""#) == true)
    }

    @Test("a function mapping can decide per record, and its line is named when it returns something undeclared")
    func functionMapping() async throws {
        let harness = try EngineHarness("""
            return rule {
              scopes = { "product/updated" },
              event = field "type",
              id = field "id",
              on = {
                ["item"] = function(record)
                  if record.kind == "sku" then return { scope = "product/updated", id = record.product_id } end
                  return "prodcut/updated"
                end,
              },
            }
            """)
        #expect(await harness.process(body: #"{"type": "item", "kind": "sku", "product_id": 5}"#).summary == ["product/updated 5"])
        let typo = await harness.process(body: #"{"type": "item", "id": 5}"#)
        #expect(typo.errors.first?.message == "scope prodcut/updated is not declared in the scopes of rules/shop.lua")
        #expect(typo.errors.first?.location == RuleLocation(file: "rules/shop.lua", line: 6))
    }

    @Test("a scope that is not collection/action, and a well-formed one not declared, are refused by name")
    func badScopes() async throws {
        let harness = try EngineHarness("""
            return rule {
              scopes = { "product/updated" },
              event = field "e",
              id = field "id",
              on = { a = function() return "Product Updated" end, b = function() return "product/deleted" end },
            }
            """)
        let malformed = await harness.process(body: #"{"e": "a", "id": 1}"#)
        #expect(malformed.errors.first?.message == #""Product Updated" is not a scope such as "product/updated""#)
        let undeclared = await harness.process(body: #"{"e": "b", "id": 1}"#)
        #expect(undeclared.errors.first?.message == "scope product/deleted is not declared in the scopes of rules/shop.lua")
        #expect(await harness.process(body: #"{"e": "c", "id": 1}"#).ignored.count == 1)
    }

    @Test("a rule that raises fails the hook with file, line and traceback; the engine keeps serving")
    func ruleError() async throws {
        let harness = try EngineHarness("""
            return rule {
              scopes = { "product/updated" },
              records = function(hook) return hook.body.items.list end,
              scope = "product/updated",
              id = field "id",
            }
            """)
        let failed = await harness.process(body: #"{"items": null}"#)
        #expect(failed.failed && failed.requests.isEmpty)
        #expect(failed.errors.first?.location == RuleLocation(file: "rules/shop.lua", line: 3))
        let fine = await harness.process(body: #"{"items": {"list": [{"id": 1}, {"id": "a-2"}]}}"#)
        #expect(fine.summary == ["product/updated 1", "product/updated a-2"])
    }

    @Test("ids: floats and tables are refused, not guessed at")
    func badIds() async throws {
        let harness = try EngineHarness("""
            return rule { scopes = { "product/updated" }, scope = "product/updated", id = field "id" }
            """)
        #expect(await harness.process(body: #"{"id": 1.5}"#).errors.first?.message.contains("float") == true)
        #expect(await harness.process(body: #"{"id": {"a": 1}}"#).errors.first?.message.contains("string or an integer") == true)
        #expect(await harness.process(body: #"{"id": ""}"#).errors.first?.message == "the id is an empty string")
    }
}

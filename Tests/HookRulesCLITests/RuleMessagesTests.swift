import Foundation
import Testing

@Suite("Messages about a rule file name the right line and read as the rule is written")
struct RuleMessagesTests {
    func check(_ rule: String) throws -> CommandRunner.Output {
        let copy = try ScratchCopy()
        defer { copy.remove() }
        try copy.write("rules/shop.lua", rule)
        return try CommandRunner.run(["check", copy.rules.path])
    }

    @Test("a value in scopes that is not a scope is shown as Lua writes it, at its line")
    func scopeLiteral() throws {
        let output = try check("""
            -- A shop.
            return rule {
              scopes = {
                "product/updated",
                "inventory/adjusted",
              },
              scope = "product/updated",
            }
            """)
        #expect(output.status == 1)
        #expect(output.stderr.contains(
            #"shop.lua:5: "inventory/adjusted" in scopes is not a scope such as "product/updated""#), "\(output.stderr)")
        #expect(!output.stderr.contains("string("))
    }

    @Test("a problem in a static on entry names the entry's line, not the rule's", arguments: [
        (#"["products/delete"] = "product/deleted","#, #"event "products/delete": scope product/deleted is not declared"#),
        (#"["carts/update"] = { scope = "product/updated", unless = "quiet" },"#, #"event "carts/update" reads preset "quiet", which is not declared"#),
    ])
    func entryLine(entry: String, message: String) throws {
        let output = try check("""
            return rule {
              scopes = { "product/updated" },
              event = header "X-Topic",
              on = {
                ["products/update"] = "product/updated",
                \(entry)
              },
            }
            """)
        #expect(output.status == 1)
        #expect(output.stderr.contains("shop.lua:6: \(message)"), "\(output.stderr)")
    }

    @Test("a rule file that forgets `return` is told to return its rule, without the host's internal names")
    func forgottenReturn() throws {
        let output = try check("""
            rule {
              scopes = { "product/updated" },
              scope = "product/updated",
            }
            """)
        #expect(output.status == 1)
        #expect(output.stderr.contains("shop.lua:1: the rule file does not return its rule: it must end with `return rule { ... }`"), "\(output.stderr)")
        #expect(!output.stderr.contains("describe"))
    }
}

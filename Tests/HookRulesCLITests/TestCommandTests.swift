import Foundation
import Testing

@Suite("hookrules test and check, run as a process")
struct TestCommandTests {
    @Test("the project's own fixtures pass")
    func ownFixtures() throws {
        let output = try CommandRunner.run(["test", "rules/"])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        #expect(output.stdout.contains("PASS rules/shopify.fixtures.yaml:7  a product update keeps its 64-bit id"))
        #expect(!output.stdout.contains("FAIL"))
        #expect(output.stdout.hasSuffix(" passed, 0 failed\n"))
    }

    @Test("a mutated expectation fails with a diff and exit status 1; --update restores the file as it was")
    func mutatedExpectation() throws {
        let copy = try ScratchCopy()
        defer { copy.remove() }
        try copy.edit("rules/shopify.fixtures.yaml", replacing: #"externalId: "788032119674292900" }"#, with: #"externalId: "788032119674292901" }"#)
        let failing = try CommandRunner.run(["test", copy.rules.path])
        #expect(failing.status == 1)
        #expect(failing.stdout.contains("""
            FAIL \(copy.rules.path)/shopify.fixtures.yaml:7  a product update keeps its 64-bit id exactly as the digits in the payload
                requests:
                - product/updated "788032119674292901"
                + product/updated "788032119674292900"
            """), "\(failing.stdout)")
        #expect(failing.stdout.contains("1 failed"))

        let junit = copy.root.appendingPathComponent("fixtures.xml")
        _ = try CommandRunner.run(["test", copy.rules.path, "--junit", junit.path])
        let xml = try String(contentsOf: junit, encoding: .utf8)
        #expect(xml.contains(
            #"<failure message="requests: - product/updated &quot;788032119674292901&quot;; + product/updated &quot;788032119674292900&quot;">"#),
            "\(xml)")

        let update = try CommandRunner.run(["test", copy.rules.path, "--update"])
        #expect(update.stdout.contains("updated \(copy.rules.path)/shopify.fixtures.yaml"))
        let again = try CommandRunner.run(["test", copy.rules.path])
        #expect(again.status == 0, "\(again.stdout)")
        // The case is rewritten as it was written before the mutation: the file is the repository's again.
        let rewritten = try Data(contentsOf: copy.rules.appendingPathComponent("shopify.fixtures.yaml"))
        #expect(rewritten == (try Data(contentsOf: CommandRunner.repository.appendingPathComponent("rules/shopify.fixtures.yaml"))))
    }

    @Test("a malformed fixture names its file and line")
    func malformedFixture() throws {
        let copy = try ScratchCopy()
        defer { copy.remove() }
        try copy.edit("rules/stripe.fixtures.yaml", replacing: "externalId: \"cus_NSPHp4fOlXGw8P\" }", with: "externalId: 12 }")
        let output = try CommandRunner.run(["test", copy.rules.path])
        #expect(output.status == 1)
        #expect(output.stderr.contains(
            "stripe.fixtures.yaml:9: case \"a new customer\" request 1: externalId must be quoted text"), "\(output.stderr)")
    }

    @Test("check accepts the project's rules, subscriptions and fixtures")
    func checkOwnRules() throws {
        let output = try CommandRunner.run(["check", "rules/"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout == "ok: 8 rule(s), 8 subscription(s), 8 fixture file(s)\n")
    }

    @Test("check reports a rule's syntax error with file and line and exits 1")
    func checkRuleProblem() throws {
        let copy = try ScratchCopy()
        defer { copy.remove() }
        try copy.edit("rules/stripe.lua", replacing: "event = field \"type\",", with: "event = field \"type\"")
        let output = try CommandRunner.run(["check", copy.rules.path])
        #expect(output.status == 1)
        #expect(output.stderr.contains("rules/stripe.lua:41: "), "\(output.stderr)")
    }

    @Test("check reports every subscription problem with its line and exits 1")
    func checkSubscriptionProblems() throws {
        let copy = try ScratchCopy()
        defer { copy.remove() }
        try copy.edit("rules/subscriptions.yaml", replacing: "ignore_cart_line_items: true", with: "ignore_cart_items: true")
        try copy.edit("rules/subscriptions.yaml", replacing: "deletes: delete", with: "deletes: always")
        let output = try CommandRunner.run(["check", copy.rules.path])
        #expect(output.status == 1)
        #expect(output.stderr.contains(
            #"subscriptions.yaml:33: subscription "demo-bigcommerce": preset "ignore_cart_items" is not declared by"#),
            "\(output.stderr)")
        #expect(output.stderr.contains(
            #"subscriptions.yaml:37: subscription "demo-hubspot": deletes must be ignore, delete or update, not "always""#),
            "\(output.stderr)")
        #expect(output.stderr.contains("2 problem(s)"))
    }
}

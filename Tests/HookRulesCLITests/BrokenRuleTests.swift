import Foundation
import Testing

@Suite("A rule file that does not load fails its own integration only")
struct BrokenRuleTests {
    /// A copy whose Stripe rule has a syntax error at line 38.
    static func copyWithBrokenStripe() throws -> ScratchCopy {
        let copy = try ScratchCopy()
        try copy.edit("rules/stripe.lua", replacing: "event = field \"type\",", with: "event = field \"type\"")
        return copy
    }

    @Test("replay runs the other integrations' captures; Stripe's fail naming the load error; exit status 1")
    func replay() throws {
        let copy = try Self.copyWithBrokenStripe()
        defer { copy.remove() }
        let output = try CommandRunner.run(["replay", "--rules", copy.rules.path, copy.samples.path])
        #expect(output.status == 1)
        #expect(output.stdout.contains(#""externalId":"788032119674292900""#), "\(output.stderr)")
        let stripe = copy.rules.appendingPathComponent("stripe.lua").path
        #expect(output.stderr.contains("hookrules: \(stripe):41: "), "\(output.stderr)")
        #expect(output.stderr.contains("\(copy.samples.path)/stripe/customer.created.json: \(stripe):41: the rule did not load: "))
        #expect(output.stderr.contains("1 rule file(s) did not load"))
    }

    @Test("test runs the other rules' cases; Stripe's cases fail naming the load error; exit status 1")
    func test() throws {
        let copy = try Self.copyWithBrokenStripe()
        defer { copy.remove() }
        let output = try CommandRunner.run(["test", copy.rules.path])
        #expect(output.status == 1)
        #expect(output.stdout.contains("PASS \(copy.rules.path)/shopify.fixtures.yaml:7"), "\(output.stdout)\(output.stderr)")
        #expect(output.stdout.contains("FAIL \(copy.rules.path)/stripe.fixtures.yaml:6  a new customer\n    the rule did not load: \(copy.rules.path)/stripe.lua:41: "))
        #expect(!output.stdout.contains("FAIL \(copy.rules.path)/shopify"))
    }

    @Test("check reports the rule's problem once; its subscription is not reported as having no rule")
    func check() throws {
        let copy = try Self.copyWithBrokenStripe()
        defer { copy.remove() }
        let output = try CommandRunner.run(["check", copy.rules.path])
        #expect(output.status == 1)
        #expect(output.stderr.contains("stripe.lua:41: "))
        #expect(!output.stderr.contains(#"no rule file for integration "stripe""#), "\(output.stderr)")
        #expect(output.stderr.contains("1 problem(s)"), "\(output.stderr)")
    }
}

import Foundation
import Testing

@Suite("hookrules check finds what hookrules test would trip on")
struct CheckFixturesTests {
    @Test("a fixture naming a missing capture or an unknown subscription is reported at its case's line")
    func missingCaptureAndUnknownSubscription() throws {
        let copy = try ScratchCopy()
        defer { copy.remove() }
        try copy.edit("rules/shopify.fixtures.yaml", replacing: "hook: ../samples/shopify/products.update.json", with: "hook: ../samples/shopify/products.updated.json")
        try copy.edit("rules/stripe.fixtures.yaml", replacing: "    hook: ../samples/stripe/customer.updated.json\n", with: "    hook: ../samples/stripe/customer.updated.json\n    subscription: nobody\n")
        let output = try CommandRunner.run(["check", copy.rules.path])
        #expect(output.status == 1)
        #expect(output.stderr.contains(
            #"shopify.fixtures.yaml:7: case "a product update keeps its 64-bit id exactly as the digits in the payload": "#
                + "\(copy.samples.path)/shopify/products.updated.json: no such file"), "\(output.stderr)")
        #expect(output.stderr.contains(#"stripe.fixtures.yaml:11: case "an updated customer": unknown subscription "nobody""#))
        #expect(output.stderr.contains("2 problem(s)"))
    }

    @Test("with two subscriptions for one integration, a case naming none is told how a fixture names one")
    func severalSubscriptions() throws {
        let copy = try ScratchCopy()
        defer { copy.remove() }
        try copy.edit("rules/subscriptions.yaml", replacing: "  - id: demo-stripe\n    integration: stripe\n", with: "  - id: demo-stripe\n    integration: stripe\n\n  - id: other-stripe\n    integration: stripe\n")
        let hint = #"several subscriptions use stripe (demo-stripe, other-stripe); name one with "subscription:" in the case, or at the top of the fixture file for every case"#
        let test = try CommandRunner.run(["test", copy.rules.path, "--filter", "stripe"])
        #expect(test.status == 1)
        #expect(test.stdout.contains(hint), "\(test.stdout)")
        #expect(!test.stdout.contains("--subscription"))
        let check = try CommandRunner.run(["check", copy.rules.path])
        #expect(check.status == 1)
        #expect(check.stderr.contains(#"stripe.fixtures.yaml:6: case "a new customer": \#(hint)"#), "\(check.stderr)")
        let replay = try CommandRunner.run(["replay", "--rules", copy.rules.path, copy.samples.appendingPathComponent("stripe/customer.created.json").path])
        #expect(replay.stderr.contains("several subscriptions use stripe (demo-stripe, other-stripe); name one with --subscription"), "\(replay.stderr)")
    }
}

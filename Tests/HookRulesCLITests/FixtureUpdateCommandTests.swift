import Foundation
import Testing

@Suite("hookrules test --update rewrites only the failing cases, in place")
struct FixtureUpdateCommandTests {
    static let productCase = "a product update keeps its 64-bit id exactly as the digits in the payload"

    func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    func fixtureFiles(in copy: ScratchCopy) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: copy.rules.path) where name.hasSuffix(".fixtures.yaml") {
            files[name] = try Data(contentsOf: copy.rules.appendingPathComponent(name))
        }
        return files
    }

    @Test("with --filter only the matching failing case is rewritten; its file is otherwise byte for byte, others untouched")
    func filtered() throws {
        let copy = try ScratchCopy()
        defer { copy.remove() }
        let shopify = copy.rules.appendingPathComponent("shopify.fixtures.yaml")
        let original = try text(shopify)
        try copy.edit("rules/shopify.fixtures.yaml", replacing: #"externalId: "788032119674292900" }"#, with: #"externalId: "788032119674292901" }"#)
        try copy.edit("rules/stripe.fixtures.yaml", replacing: #"externalId: "cus_NSPHp4fOlXGw8P" }"#, with: #"externalId: "cus_X" }"#)
        let brokenStripe = try fixtureFiles(in: copy)["stripe.fixtures.yaml"]

        let update = try CommandRunner.run(["test", copy.rules.path, "--update", "--filter", Self.productCase])
        #expect(update.status == 0, "\(update.stdout)\(update.stderr)")
        #expect(update.stdout.contains("updated \(shopify.path): 1 case(s)"), "\(update.stdout)")
        #expect(try text(shopify) == original)
        #expect(try fixtureFiles(in: copy)["stripe.fixtures.yaml"] == brokenStripe)

        let again = try CommandRunner.run(["test", copy.rules.path])
        #expect(again.status == 1)
        #expect(again.stdout.contains("FAIL \(copy.rules.path)/stripe.fixtures.yaml:6  a new customer"))
        #expect(again.stdout.contains(" 1 failed"), "\(again.stdout)")
    }

    @Test("without --filter, files whose cases pass stay byte for byte, and so do the comments of a changed file")
    func unfiltered() throws {
        let copy = try ScratchCopy()
        defer { copy.remove() }
        try copy.edit("rules/shopify.fixtures.yaml", replacing: "  - name: a new product\n", with: "  # products/create, as Shopify documents it\n  - name: a new product\n")
        let before = try fixtureFiles(in: copy)
        try copy.edit("rules/shopify.fixtures.yaml", replacing: #"externalId: "788032119674292900" }"#, with: #"externalId: "1" }"#)

        let update = try CommandRunner.run(["test", copy.rules.path, "--update"])
        #expect(update.status == 0, "\(update.stdout)\(update.stderr)")
        #expect(try fixtureFiles(in: copy) == before)
        #expect(!update.stdout.contains("updated \(copy.rules.path)/stripe.fixtures.yaml"))
    }

    @Test("a failing case whose expectation is written differently is rewritten in the fixture files' own style")
    func rewrittenStyle() throws {
        let copy = try ScratchCopy()
        defer { copy.remove() }
        try copy.edit("rules/shopify.fixtures.yaml", replacing: """
                requests:
                  - { scope: product/updated, externalId: "788032119674292900" }

              - name: a new product
            """, with: """
                match: contains
                requests: [{scope: product/created, externalId: "9"}]
                # a comment that belongs to the next case
              - name: a new product
            """)
        let update = try CommandRunner.run(["test", copy.rules.path, "--update"])
        #expect(update.status == 0, "\(update.stdout)\(update.stderr)")
        #expect(try text(copy.rules.appendingPathComponent("shopify.fixtures.yaml")).contains("""
              - name: \(Self.productCase)
                hook: ../samples/shopify/products.update.json
                requests:
                  - { scope: product/updated, externalId: "788032119674292900" }
                # a comment that belongs to the next case
              - name: a new product
            """))
    }

    @Test("a failing case that cannot run is not updated: it says why, the file stays as it is, exit status 1")
    func cannotRun() throws {
        let copy = try ScratchCopy()
        defer { copy.remove() }
        try copy.edit("rules/shopify.fixtures.yaml", replacing: "hook: ../samples/shopify/products.update.json", with: "hook: ../samples/shopify/missing.json")
        let before = try fixtureFiles(in: copy)
        let update = try CommandRunner.run(["test", copy.rules.path, "--update"])
        #expect(update.status == 1)
        #expect(update.stderr.contains(
            #"shopify.fixtures.yaml:7: case "\#(Self.productCase)" not updated: it could not run: "#), "\(update.stderr)")
        #expect(update.stderr.contains("missing.json: no such file"))
        #expect(update.stderr.contains("1 failing case(s) could not be updated"))
        #expect(try fixtureFiles(in: copy) == before)
    }
}

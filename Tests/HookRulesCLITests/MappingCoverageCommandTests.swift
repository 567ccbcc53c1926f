import Foundation
import Testing

@Suite("hookrules test --coverage: mapping coverage, and --fail-under")
struct MappingCoverageCommandTests {
    static let rule = """
        return rule {
          scopes = { "product/updated", "product/deleted", "cart/updated" },
          presets = { quiet_carts = "boolean" },
          event = header "X-Topic",
          id = field "id",
          on = {
            ["products/update"] = "product/updated",
            ["products/delete"] = "product/deleted",
            ["carts/update"] = { scope = "cart/updated", unless = "quiet_carts" },
            ["app/uninstalled"] = ignore "app lifecycle events are not synced",
          },
        }
        """

    static let twoCases = """
        cases:
          - name: a product update
            hook: { headers: { X-Topic: products/update }, body: '{"id": 1}' }
            requests:
              - { scope: product/updated, externalId: "1" }

          - name: a cart update
            hook: { headers: { X-Topic: carts/update }, body: '{"id": 2}' }
            requests:
              - { scope: cart/updated, externalId: "2" }

        """

    static let otherCases = """
          - name: a product delete, deletes on
            hook: { headers: { X-Topic: products/delete }, body: '{"id": 3}' }
            subscription: { deletes: delete }
            requests:
              - { scope: product/deleted, externalId: "3" }

          - name: a quiet cart
            hook: { headers: { X-Topic: carts/update }, body: '{"id": 4}' }
            subscription: { presets: { quiet_carts: true } }
            ignored:
              - { record: 1, event: carts/update, reason: "ignored by the subscription's preset \\"quiet_carts\\"" }

          - name: uninstalled
            hook: { headers: { X-Topic: app/uninstalled }, body: '{"id": 5}' }
            ignored:
              - { record: 1, event: app/uninstalled, reason: app lifecycle events are not synced }

        """

    func folder(_ fixtures: String) throws -> ScratchCopy {
        let copy = try ScratchCopy()
        try copy.write("own/shop.lua", Self.rule)
        try copy.write("own/shop.fixtures.yaml", fixtures)
        return copy
    }

    @Test("entries no case sends are listed at their lines, though every line is reached; --fail-under 100 fails")
    func unexercised() throws {
        let copy = try folder(Self.twoCases)
        defer { copy.remove() }
        let own = copy.root.appendingPathComponent("own")
        let output = try CommandRunner.run(["test", own.path, "--coverage", "--fail-under", "100"])
        #expect(output.status == 1, "\(output.stdout)\(output.stderr)")
        #expect(output.stdout.contains("2 passed, 0 failed"))
        let shop = own.appendingPathComponent("shop.lua").path
        #expect(output.stdout.contains("\(shop)  11/11 lines (100 %)\n"), "\(output.stdout)")  // every line reached
        #expect(output.stdout.contains("""
            \(shop)  2/5 mappings (40 %)  never exercised:
                 8 | on "products/delete"
                 9 | on "carts/update" switched off by preset "quiet_carts"
                10 | on "app/uninstalled"
            total\(String(repeating: " ", count: shop.count - 3))2/5 mappings (40 %)
            """), "\(output.stdout)")
        #expect(output.stderr.contains("mapping coverage 40 % (2/5) is below the required 100 %"), "\(output.stderr)")
    }

    @Test("with a case for each entry and each side of unless, coverage is 100 % and --fail-under 100 passes")
    func complete() throws {
        let copy = try folder(Self.twoCases + Self.otherCases)
        defer { copy.remove() }
        let own = copy.root.appendingPathComponent("own")
        let output = try CommandRunner.run(["test", own.path, "--coverage", "--fail-under", "100"])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        #expect(output.stdout.contains("5/5 mappings (100 %)\n"))
    }

    @Test("LCOV carries each mapping as a branch record at its line")
    func lcov() throws {
        let copy = try folder(Self.twoCases)
        defer { copy.remove() }
        let own = copy.root.appendingPathComponent("own")
        let tracefile = copy.root.appendingPathComponent("rules.lcov")
        let output = try CommandRunner.run(["test", own.path, "--coverage-lcov", tracefile.path])
        #expect(output.status == 0, "\(output.stderr)")
        let lines = try String(contentsOf: tracefile, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.contains("BRDA:7,0,0,1"))
        #expect(lines.contains("BRDA:8,0,0,0"))
        #expect(lines.contains("BRDA:9,0,0,0") && lines.contains("BRDA:9,0,1,1"))
        #expect(lines.contains("BRDA:10,0,0,0"))
        #expect(lines.contains("BRF:5") && lines.contains("BRH:2"))
    }

    @Test("the project's own rules reach 100 % line and mapping coverage")
    func ownRules() throws {
        let output = try CommandRunner.run(["test", "rules/", "--coverage", "--fail-under", "100"])
        #expect(output.status == 0, "\(output.stdout.suffix(3000))\(output.stderr)")
    }

    @Test("--fail-under takes a percentage", arguments: ["-1", "101"])
    func badThreshold(value: String) throws {
        let output = try CommandRunner.run(["test", "rules/", "--fail-under", value])
        #expect(output.status == 64, "\(output.stderr)")
    }
}

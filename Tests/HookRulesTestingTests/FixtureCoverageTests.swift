import Foundation
import HookRules
import HookRulesTesting
import Testing

@Suite("Line coverage of rule files by their fixtures")
struct FixtureCoverageTests {
    static let rule = """
        -- The topic is in a header, or else in the body.
        local function shop_event(body, hook)
          local topic = hook.headers["x-topic"]
          if topic then
            return topic
          end
          return body.kind
        end

        return rule {
          scopes = { "product/updated" },
          event = shop_event,
          id = field "id",
          on = { ["products/update"] = "product/updated" },
        }
        """
    static let fixtures = """
        cases:
          - name: the topic header names the event
            hook:
              headers: { X-Topic: products/update }
              body: '{"id": 7}'
            requests:
              - { scope: product/updated, externalId: "7" }
        """

    @Test("a branch no case takes is reported never reached; the lines the cases ran are reached")
    func branchNeverTaken() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("coverage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(Self.rule.utf8).write(to: folder.appendingPathComponent("shop.lua"))
        try Data(Self.fixtures.utf8).write(to: folder.appendingPathComponent("shop.fixtures.yaml"))

        let book = try RuleBook.load(folder: folder.path)
        let engine = try RuleEngine(book: book, subscriptions: [], poolSize: 2, measuringCoverage: true)
        let file = try RuleFixtureFile.load(path: folder.appendingPathComponent("shop.fixtures.yaml").path)
        let results = await FixtureRunner(engine: engine).run(file)
        #expect(results.map(\.passed) == [true], "\(results.map(\.problems))")

        let coverage = try #require(try await engine.lineCoverage(of: ["shop", "unknown"]).first)
        #expect(coverage.path == folder.appendingPathComponent("shop.lua").path)
        // 1, 2, 6, 9 and the closing `}` (15) hold no code that can run.
        #expect(coverage.executableLines == [3, 4, 5, 7, 8, 10, 11, 12, 13, 14])
        #expect(coverage.unreachedLines == [7])
        #expect(coverage.unreachedRanges == [7...7])
        #expect(coverage.text(ofLine: 7) == "  return body.kind")
        #expect(coverage.hits[3] == 1 && coverage.hits[4] == 1 && coverage.hits[5] == 1)
        #expect([coverage].totals == (reached: 9, executable: 10))
    }

    @Test("without line counting the engine counts nothing")
    func offByDefault() async throws {
        let engine = try BundledFixturesTests.engine()
        let file = try RuleFixtureFile.load(path: BundledFixturesTests.rules + "/github.fixtures.yaml")
        _ = await FixtureRunner(engine: engine).run(file)
        let coverage = try await engine.lineCoverage(of: ["github"])
        #expect(coverage.first?.hits.isEmpty == true)
        #expect(coverage.first?.executableLines.isEmpty == false)
    }
}

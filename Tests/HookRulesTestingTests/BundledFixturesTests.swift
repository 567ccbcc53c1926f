import Foundation
import HookCapture
import HookRules
import HookRulesConfig
import HookRulesTesting
import RuleTestSupport
import Testing

@Suite("Bundled rules: every sample resolves to what its fixture states")
struct BundledFixturesTests {
    static let rules = Samples.root.appendingPathComponent("rules").path

    static func engine() throws -> RuleEngine {
        let folder = try RuleFolder.load(folder: rules)
        return try RuleEngine(book: folder.book, subscriptions: folder.subscriptions, poolSize: 2)
    }

    @Test("every case of every fixture file passes", arguments: RuleFixtureFile.paths(in: rules))
    func fixtures(path: String) async throws {
        let file = try RuleFixtureFile.load(path: path)
        let results = await FixtureRunner(engine: try Self.engine()).run(file)
        #expect(results.count == file.cases.count)
        for result in results {
            #expect(result.passed, "\(result.location) \(result.fixtureCase.name):\n\(result.problems.joined(separator: "\n"))")
        }
    }

    @Test("every rule has fixtures and every bundled sample is replayed by at least one fixture case")
    func coverage() throws {
        let files = try RuleFixtureFile.paths(in: Self.rules).map(RuleFixtureFile.load)
        let book = try RuleBook.load(folder: Self.rules)
        #expect(Set(files.map(\.integration)) == Set(book.rules.keys))
        var referenced = Set<String>()
        for file in files {
            for fixtureCase in file.cases {
                if case .file(let path) = fixtureCase.hook {
                    referenced.insert(URL(fileURLWithPath: Self.rules).appendingPathComponent(path).standardized.path)
                }
            }
        }
        let samples = try CaptureListing(under: Samples.folder.path).captures
            .map { URL(fileURLWithPath: $0).standardized.path }
        #expect(samples.count == 149)
        for sample in samples {
            #expect(referenced.contains(sample), "no fixture replays \(sample)")
        }
    }
}

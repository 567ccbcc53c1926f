import Foundation
import Testing

/// The layering docs/architecture.md describes, checked against the package as it is.
@Suite struct ModuleGraphTests {
    static let luaModules: Set<String> = ["CLua", "CLuaShim", "LuaRuntime"]
    static let engineModules: Set<String> = ["HookRules", "HookRulesConfig", "HookRulesTesting"]

    /// The graph, or nil (with a warning) when scripts/test.sh did not write the description; in CI that fails.
    static func graph() throws -> ModuleGraph? {
        if let graph = try ModuleGraph() { return graph }
        let message = "no \(ModuleGraph.descriptionPath): run scripts/test.sh, which writes it"
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record(Comment(rawValue: message))
        } else {
            print("warning: \(message); module graph checks skipped")
        }
        return nil
    }

    @Test func domainModelDependsOnNothing() throws {
        guard let graph = try Self.graph() else { return }
        let model = try #require(graph.targets["HookModel"])
        #expect(model.targets.isEmpty && model.products.isEmpty)
    }

    @Test(arguments: ["HookQueue", "HookQueueSQLite", "HookQueuePostgres", "HookQueueLocation", "HookWorker", "HookBulk"])
    func workerSideLinksNoLua(module: String) throws {
        guard let graph = try Self.graph() else { return }
        #expect(graph.targets[module] != nil, "\(module) is not a target")
        let reached = graph.reachableTargets(from: module)
        #expect(reached.isDisjoint(with: Self.luaModules.union(Self.engineModules)), "\(module) reaches \(reached.sorted())")
        #expect(!graph.reachableProducts(from: module).contains("Yams"))
    }

    @Test func onlyTheRuntimeTouchesTheLuaLibrary() throws {
        guard let graph = try Self.graph() else { return }
        let direct = graph.targets.filter { $0.value.targets.contains("CLua") }.map(\.key)
        #expect(Set(direct) == ["CLuaShim", "LuaRuntime"])
    }

    @Test func onlyTheRuntimeParsesXML() throws {
        guard let graph = try Self.graph() else { return }
        let direct = graph.targets.filter { $0.value.targets.contains("CLibXML2") }.map(\.key)
        #expect(Set(direct) == ["LuaRuntime"])
    }

    @Test func architectureDocumentListsEveryModuleWithItsDependencies() throws {
        guard let graph = try Self.graph() else { return }
        let documented = try ArchitectureDocument.read()
        let modules = graph.targets.filter { name, _ in !name.hasSuffix("Tests") && name != "LoopbackTarget" }
        #expect(Set(documented.keys) == Set(modules.keys), "modules in the document vs the package")
        for (name, dependencies) in modules {
            guard let listed = documented[name] else { continue }
            #expect(listed == dependencies.targets.union(dependencies.products), "\(name)'s dependencies")
        }
    }
}

/// The module table of docs/architecture.md: `| Module | Depends on | Owns |`, dependencies as `code` spans.
enum ArchitectureDocument {
    static func read() throws -> [String: Set<String>] {
        let path = ModuleGraph.packageRoot.appendingPathComponent("docs/architecture.md").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var modules: [String: Set<String>] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard cells.count >= 4 else { continue }
            modules[codeSpans(cells[1]).first ?? cells[1]] = Set(codeSpans(cells[2]))
        }
        return modules
    }

    static func codeSpans(_ text: String) -> [String] {
        text.split(separator: "`", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }
}

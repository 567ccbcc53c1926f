import Foundation
import HookModel
import LuaRuntime

/// All rule files of a folder (`rules/<integration>.lua`), compiled and checked when loaded: syntax, the shape of
/// `rule { ... }`, and that every scope the rule names is in its catalog. Problems name the file and line.
public struct RuleBook: Sendable {
    public let folder: String
    public let rules: [String: RuleFile]

    package static let libraries = [RuleLanguage.library]

    /// The rule API's Lua source (a chunk returning the table of `rule`, `field`, ...), for tools that run rule
    /// files elsewhere, such as the benchmark's plain-Lua reference.
    package static var languageSource: String { RuleLanguage.source }

    /// The rule files of a folder: every `*.lua` directly in it, sorted.
    package static func ruleFilePaths(in folder: String) throws -> [String] {
        try FolderListing.paths(in: folder, endingWith: ".lua")
    }

    /// Loads every `*.lua` file directly in `folder` (helper folders such as `.luals` are skipped). Each rule runs
    /// under `limits`, or under its integration's entry in `limitsByIntegration`.
    public static func load(
        folder: String, limits: LuaLimits = LuaLimits(), limitsByIntegration: [String: LuaLimits] = [:]
    ) throws(RuleBookError) -> RuleBook {
        let paths: [String]
        do {
            paths = try ruleFilePaths(in: folder)
        } catch {
            throw RuleBookError(problems: [RuleFailure(message: "\(folder): cannot list the rule folder")])
        }
        var scripts: [(String, LuaScript)] = []
        var problems: [RuleFailure] = []
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                problems.append(RuleFailure(message: "\(path): cannot read the rule file"))
                continue
            }
            let name = (path as NSString).lastPathComponent
            scripts.append((String(name.dropLast(4)), LuaScript(name: path, text: Array(data))))
        }
        return try load(
            scripts: scripts, folder: folder, limits: limits, limitsByIntegration: limitsByIntegration,
            earlierProblems: problems)
    }

    /// Loads rules given as (integration, script) pairs.
    public static func load(
        scripts: [(String, LuaScript)], folder: String = "rules", limits: LuaLimits = LuaLimits(),
        limitsByIntegration: [String: LuaLimits] = [:], earlierProblems: [RuleFailure] = []
    ) throws(RuleBookError) -> RuleBook {
        var problems = earlierProblems
        var rules: [String: RuleFile] = [:]
        var checker: LuaState
        do {
            checker = try LuaState(limits: limits, libraries: libraries)
        } catch {
            throw RuleBookError(problems: [RuleFailure(message: "cannot start Lua: \(error)")])
        }
        for (integration, script) in scripts {
            do {
                let id = try checker.load(script)
                let description = try checker.call(id, function: "describe").values.first ?? .nil
                rules[integration] = try RuleDescription.ruleFile(
                    integration: integration, script: script, limits: limitsByIntegration[integration] ?? limits,
                    description: description)
            } catch let error as LuaError {
                let location = SourceLocation(
                    error.location ?? LuaSourceLocation(chunk: script.name, line: RuleSourceLines(script).ruleCallLine))
                // The host asked the file's result for its `describe` function: a file that does not return
                // `rule { ... }` has none, and the runtime's wording names that internal function.
                let message = error.kind == .contract
                    ? "the rule file does not return its rule: it must end with `return rule { ... }`" : error.message
                problems.append(RuleFailure(message: message, location: location))
            } catch let error as RuleFailure {
                problems.append(error)
            } catch {
                problems.append(RuleFailure(message: "\(script.name): \(error)"))
            }
        }
        guard problems.isEmpty else { throw RuleBookError(problems: problems) }
        return RuleBook(folder: folder, rules: rules)
    }
}

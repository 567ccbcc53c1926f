import Foundation
import HookModel
import LuaRuntime

/// All rule files of a folder (`rules/<integration>.lua`), compiled and checked when loaded: syntax, the shape of
/// `rule { ... }`, and that every scope the rule names is in its catalog. Problems name the file and line.
public struct RuleBook: Sendable {
    /// What a load does when some rule files fail to load.
    public enum LoadPolicy: Sendable {
        /// Refuse the whole book, with every problem: what serving and reloading need, so a broken file never
        /// replaces a working rule.
        case allOrNothing
        /// Keep the rules that loaded; the others are listed in ``failed``, and their hooks fail naming why, so
        /// one broken file does not stop `replay` and `test` for every other integration.
        case keepLoadable
    }

    public let folder: String
    public let rules: [String: RuleFile]
    /// The integrations whose rule file did not load (only under ``LoadPolicy/keepLoadable``), each with every
    /// problem found in it.
    public let failed: [String: [RuleFailure]]

    package static let libraries = [RuleLanguage.library]

    /// The rule API's Lua source (a chunk returning the table of `rule`, `field`, ...), for tools that run rule
    /// files elsewhere, such as the benchmark's plain-Lua reference.
    package static var languageSource: String { RuleLanguage.source }

    /// The rule files of a folder: every `*.lua` directly in it, sorted.
    package static func ruleFilePaths(in folder: String) throws -> [String] {
        try FolderListing.paths(in: folder, endingWith: ".lua")
    }

    /// Every problem of the rule files that did not load, by file.
    public var problems: [RuleFailure] { failed.sorted { $0.key < $1.key }.flatMap(\.value) }

    /// Loads every `*.lua` file directly in `folder` (helper folders such as `.luals` are skipped). Each rule runs
    /// under `limits`, or under its integration's entry in `limitsByIntegration`. Throws when the folder cannot be
    /// listed, and, under ``LoadPolicy/allOrNothing``, when any rule file fails to load.
    public static func load(
        folder: String, limits: LuaLimits = LuaLimits(), limitsByIntegration: [String: LuaLimits] = [:],
        policy: LoadPolicy = .allOrNothing
    ) throws(RuleBookError) -> RuleBook {
        let paths: [String]
        do {
            paths = try ruleFilePaths(in: folder)
        } catch {
            throw RuleBookError(problems: [RuleFailure(message: "\(folder): cannot list the rule folder")])
        }
        var scripts: [(String, LuaScript)] = []
        var unreadable: [String: [RuleFailure]] = [:]
        for path in paths {
            let name = (path as NSString).lastPathComponent
            let integration = String(name.dropLast(4))
            guard let data = FileManager.default.contents(atPath: path) else {
                unreadable[integration] = [RuleFailure(message: "\(path): cannot read the rule file")]
                continue
            }
            scripts.append((integration, LuaScript(name: path, text: Array(data))))
        }
        return try load(
            scripts: scripts, folder: folder, limits: limits, limitsByIntegration: limitsByIntegration,
            policy: policy, unreadable: unreadable)
    }

    /// Loads rules given as (integration, script) pairs.
    public static func load(
        scripts: [(String, LuaScript)], folder: String = "rules", limits: LuaLimits = LuaLimits(),
        limitsByIntegration: [String: LuaLimits] = [:], policy: LoadPolicy = .allOrNothing
    ) throws(RuleBookError) -> RuleBook {
        try load(
            scripts: scripts, folder: folder, limits: limits, limitsByIntegration: limitsByIntegration, policy: policy,
            unreadable: [:])
    }

    private static func load(
        scripts: [(String, LuaScript)], folder: String, limits: LuaLimits, limitsByIntegration: [String: LuaLimits],
        policy: LoadPolicy, unreadable: [String: [RuleFailure]]
    ) throws(RuleBookError) -> RuleBook {
        var failed = unreadable
        var rules: [String: RuleFile] = [:]
        var checker: LuaState
        do {
            checker = try LuaState(limits: limits, libraries: libraries)
        } catch {
            throw RuleBookError(problems: [RuleFailure(message: "cannot start Lua: \(error)")])
        }
        for (integration, script) in scripts {
            do throws(RuleFailure) {
                rules[integration] = try ruleFile(
                    integration: integration, script: script, limits: limitsByIntegration[integration] ?? limits,
                    checker: &checker)
            } catch {
                failed[integration, default: []].append(error)
            }
        }
        let book = RuleBook(folder: folder, rules: rules, failed: failed)
        if policy == .allOrNothing, !failed.isEmpty { throw RuleBookError(problems: book.problems) }
        return book
    }

    private static func ruleFile(
        integration: String, script: LuaScript, limits: LuaLimits, checker: inout LuaState
    ) throws(RuleFailure) -> RuleFile {
        let description: LuaValue
        do {
            let id = try checker.load(script)
            description = try checker.call(id, function: "describe").values.first ?? .nil
        } catch {
            let location = RuleLocation(
                error.location ?? LuaSourceLocation(chunk: script.name, line: RuleSourceLines(script).ruleCallLine))
            // The host asked the file's result for its `describe` function: a file that does not return
            // `rule { ... }` has none, and the runtime's wording names that internal function.
            let message = error.kind == .contract
                ? "the rule file does not return its rule: it must end with `return rule { ... }`" : error.message
            throw RuleFailure(message: message, location: location)
        }
        return try RuleDescription.ruleFile(
            integration: integration, script: script, limits: limits, description: description)
    }
}

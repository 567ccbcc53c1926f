import Foundation
import HookModel
import HookRules
import Yams

/// The subscriptions configuration: a YAML file listing each customer connection with its integration, presets
/// and policies. Documented, with an example, in docs/subscriptions.md; the bundled sample is
/// rules/subscriptions.yaml.
///
/// ```yaml
/// subscriptions:
///   - id: acme-bigcommerce
///     integration: bigcommerce
///     deletes: update          # ignore (default) | delete | update
///     outbound: false          # default true
///     presets:
///       ignore_cart_line_items: true
/// ```
public enum SubscriptionsFile {
    /// The file name looked for in a rules folder when no other file is named.
    public static let defaultName = "subscriptions.yaml"

    /// `<folder>/subscriptions.yaml` when it exists.
    public static func defaultPath(inRulesFolder folder: String) -> String? {
        let path = (folder as NSString).appendingPathComponent(defaultName)
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// Reads and checks the file. With `rules`, each subscription's integration must have a rule file, and its
    /// presets must be ones that rule declares, of the declared type (unchecked when the rule failed to load).
    /// Every problem is reported, each with its line.
    public static func load(path: String, rules: RuleBook? = nil) throws(ConfigError) -> [Subscription] {
        try read(path: path, rules: rules).subscriptions
    }

    /// Reads and checks the file, with each subscription's access settings (`auth`, `api_keys`, `capture`).
    public static func read(path: String, rules: RuleBook? = nil) throws(ConfigError) -> SubscriptionsConfiguration {
        let document: YAMLDocument
        do {
            document = try YAMLDocument.read(path: path)
        } catch {
            throw ConfigError(problems: [error])
        }
        return try load(document, rules: rules)
    }

    /// Parses YAML text as if it were the file at `path`.
    public static func parse(_ text: String, path: String, rules: RuleBook? = nil) throws(ConfigError) -> [Subscription] {
        try parseConfiguration(text, path: path, rules: rules).subscriptions
    }

    /// Parses YAML text as if it were the file at `path`, with the access settings.
    public static func parseConfiguration(
        _ text: String, path: String, rules: RuleBook? = nil
    ) throws(ConfigError) -> SubscriptionsConfiguration {
        let document: YAMLDocument
        do {
            document = try YAMLDocument(path: path, text: text)
        } catch {
            throw ConfigError(problems: [error])
        }
        return try load(document, rules: rules)
    }

    private static func load(_ document: YAMLDocument, rules: RuleBook?) throws(ConfigError) -> SubscriptionsConfiguration {
        let entries: [Node]
        do {
            let top = try YAMLFields(document.root, in: document, context: "the file")
            try top.refuseUnknown(["subscriptions"])
            entries = try top.list("subscriptions") ?? []
        } catch {
            throw ConfigError(problems: [error])
        }
        var problems: [ConfigProblem] = []
        var configuration = SubscriptionsConfiguration(path: document.path)
        var seen: [String: Int] = [:]
        for (index, entry) in entries.enumerated() {
            do throws(ConfigProblem) {
                let (subscription, access) = try read(entry, number: index + 1, in: document, rules: rules)
                if let first = seen[subscription.id] {
                    throw document.problem(
                        "subscription \"\(subscription.id)\" is already defined at line \(first)", at: entry)
                }
                seen[subscription.id] = entry.mark?.line ?? 0
                configuration.subscriptions.append(subscription)
                configuration.access[subscription.id] = access
            } catch {
                problems.append(error)
            }
        }
        guard problems.isEmpty else { throw ConfigError(problems: problems) }
        return configuration
    }

    private static func read(
        _ node: Node, number: Int, in document: YAMLDocument, rules: RuleBook?
    ) throws(ConfigProblem) -> (Subscription, SubscriptionAccess) {
        var entry = try YAMLFields(node, in: document, context: "subscription \(number)")
        let id = try entry.requiredString("id")
        entry.context = "subscription \"\(id)\""
        try entry.refuseUnknown(["id", "integration", "deletes", "outbound", "presets", "auth", "api_keys", "capture"])
        guard id.allSatisfy({ !$0.isWhitespace && !$0.isNewline }) else {
            throw entry.problem("an id cannot contain spaces", at: "id")
        }
        let integration = try entry.requiredString("integration")
        var deletes = DeletePolicy.ignore
        if let text = try entry.string("deletes") {
            guard let policy = DeletePolicy(rawValue: text) else {
                throw entry.problem("deletes must be ignore, delete or update, not \"\(text)\"", at: "deletes")
            }
            deletes = policy
        }
        var presets: [String: PresetValue] = [:]
        let presetFields = try entry["presets"].map { node throws(ConfigProblem) in
            try YAMLFields(node, in: document, context: "subscription \"\(id)\" presets")
        }
        if let presetFields {
            for (name, value) in presetFields.pairs {
                let converted = try YAMLPresetValue.value(value, in: document, path: "presets.\(name)")
                if converted != .null { presets[name] = converted }
            }
        }
        if let rules {
            if let rule = rules.rules[integration] {
                try check(presets, of: id, against: rule, fields: entry, presetFields: presetFields)
            } else if rules.failed[integration] == nil {
                throw entry.problem(
                    "no rule file for integration \"\(integration)\" in \(rules.folder)", at: "integration")
            }
            // A rule that did not load declares nothing to check the presets against; its own problems are
            // reported, and its hooks fail naming them.
        }
        let subscription = Subscription(
            id: id, integration: integration, presets: presets, deletes: deletes,
            outbound: try entry.bool("outbound") ?? true)
        return (subscription, try SubscriptionAccess(reading: entry))
    }

    private static func check(
        _ presets: [String: PresetValue], of id: String, against rule: RuleFile, fields: YAMLFields,
        presetFields: YAMLFields?
    ) throws(ConfigProblem) {
        for (name, value) in presets.sorted(by: { $0.key < $1.key }) {
            let at = presetFields?[name] ?? fields.node
            guard let kind = rule.presets[name] else {
                let declared = rule.presets.keys.sorted()
                throw fields.document.problem(
                    "subscription \"\(id)\": preset \"\(name)\" is not declared by \(rule.script.name)"
                        + (declared.isEmpty ? " (it declares none)" : " (it declares: \(declared.joined(separator: ", ")))"),
                    at: at)
            }
            guard kind.accepts(value) else {
                throw fields.document.problem(
                    "subscription \"\(id)\": preset \"\(name)\" must be a \(kind.rawValue)", at: at)
            }
        }
    }
}

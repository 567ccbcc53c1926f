import Foundation
import HookCapture
import HookModel
import HookRules
import HookRulesConfig
import Yams

extension RuleFixtureFile {
    /// Every `*.fixtures.yaml` directly in `folder`, sorted by name.
    public static func paths(in folder: String) -> [String] {
        (try? FolderListing.paths(in: folder, endingWith: suffix)) ?? []
    }

    /// Reads and checks a fixture file; every malformed case is reported with its line.
    public static func load(path: String) throws(ConfigError) -> RuleFixtureFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(problems: [ConfigProblem(file: path, message: "cannot read the file")])
        }
        return try parse(String(decoding: data, as: UTF8.self), path: path)
    }

    /// Parses fixture YAML as if it were the file at `path` (hook paths are relative to its folder).
    public static func parse(_ text: String, path: String) throws(ConfigError) -> RuleFixtureFile {
        let document: YAMLDocument
        do {
            document = try YAMLDocument(path: path, text: text)
        } catch {
            throw ConfigError(problems: [error])
        }
        let name = (path as NSString).lastPathComponent
        let integration = String(name.dropLast(suffix.count))
        var problems: [ConfigProblem] = []
        var cases: [FixtureCase] = []
        var subscription: FixtureSubscription?
        do throws(ConfigProblem) {
            let top = try YAMLFields(document.root, in: document, context: "the fixture file")
            try top.refuseUnknown(["subscription", "cases"])
            subscription = try top["subscription"].map { node throws(ConfigProblem) in
                try readSubscription(node, in: document, context: "subscription")
            }
            guard let entries = try top.list("cases"), !entries.isEmpty else {
                throw top.problem("cases must list at least one case")
            }
            for (index, entry) in entries.enumerated() {
                do throws(ConfigProblem) {
                    cases.append(try readCase(entry, number: index + 1, in: document))
                } catch {
                    problems.append(error)
                }
            }
        } catch {
            problems.append(error)
        }
        guard problems.isEmpty else { throw ConfigError(problems: problems) }
        return RuleFixtureFile(path: path, integration: integration, source: text, subscription: subscription, cases: cases)
    }

    private static func readCase(_ node: Node, number: Int, in document: YAMLDocument) throws(ConfigProblem) -> FixtureCase {
        var fields = try YAMLFields(node, in: document, context: "case \(number)")
        let name = try fields.requiredString("name")
        fields.context = "case \"\(name)\""
        try fields.refuseUnknown(["name", "hook", "subscription", "match", "requests", "ignored", "error", "reply"])
        guard let hookNode = fields["hook"] else { throw fields.problem("hook is missing") }
        var expected = ExpectedOutcome()
        if let text = try fields.string("match") {
            guard let match = ExpectedOutcome.Match(rawValue: text) else {
                throw fields.problem("match must be exact or contains, not \"\(text)\"", at: "match")
            }
            expected.match = match
        }
        for (index, item) in (try fields.list("requests") ?? []).enumerated() {
            expected.requests.append(try readRequest(item, in: document, context: "case \"\(name)\" request \(index + 1)"))
        }
        if let items = try fields.list("ignored") {
            var ignored: [ExpectedIgnore] = []
            for (index, item) in items.enumerated() {
                let entry = try YAMLFields(item, in: document, context: "case \"\(name)\" ignored \(index + 1)")
                try entry.refuseUnknown(["record", "event", "reason"])
                ignored.append(ExpectedIgnore(
                    record: try entry.integer("record") ?? 1, event: try entry.string("event"),
                    reason: try entry.requiredString("reason")))
            }
            expected.ignored = ignored
        }
        expected.error = try fields.string("error")
        if let node = fields["reply"] {
            let reply = try YAMLFields(node, in: document, context: "case \"\(name)\" reply")
            try reply.refuseUnknown(["status", "body"])
            guard let status = try reply.integer("status") else { throw reply.problem("status is missing") }
            expected.reply = ExpectedReply(status: status, body: try reply.string("body"))
        }
        return FixtureCase(
            name: name, line: node.mark?.line ?? 0, hook: try readHook(hookNode, in: document, context: "case \"\(name)\" hook"),
            subscription: try fields["subscription"].map { node throws(ConfigProblem) in
                try readSubscription(node, in: document, context: "case \"\(name)\" subscription")
            },
            expected: expected)
    }

    private static func readHook(_ node: Node, in document: YAMLDocument, context: String) throws(ConfigProblem) -> FixtureHook {
        if let path = node.scalar?.string, node.tagName != .null {
            return .file(path)
        }
        let fields = try YAMLFields(node, in: document, context: context)
        try fields.refuseUnknown(["headers", "body"])
        var headers: [FixtureHeader] = []
        if let headerNode = fields["headers"] {
            let table = try YAMLFields(headerNode, in: document, context: "\(context) headers")
            for (name, value) in table.pairs {
                guard let text = value.scalar?.string else {
                    throw table.problem("header \"\(name)\" must be text", at: name)
                }
                headers.append(FixtureHeader(name: name, value: text))
            }
        }
        return .inline(headers: headers, body: try fields.string("body") ?? "")
    }

    private static func readSubscription(
        _ node: Node, in document: YAMLDocument, context: String
    ) throws(ConfigProblem) -> FixtureSubscription {
        if let id = node.scalar?.string {
            return .named(id)
        }
        let fields = try YAMLFields(node, in: document, context: context)
        try fields.refuseUnknown(["id", "presets", "deletes"])
        var presets: [String: PresetValue] = [:]
        if let presetNode = fields["presets"] {
            let table = try YAMLFields(presetNode, in: document, context: "\(context) presets")
            for (name, value) in table.pairs {
                presets[name] = try YAMLPresetValue.value(value, in: document, path: "presets.\(name)")
            }
        }
        var deletes = DeletePolicy.ignore
        if let text = try fields.string("deletes") {
            guard let policy = DeletePolicy(rawValue: text) else {
                throw fields.problem("deletes must be ignore, delete or update", at: "deletes")
            }
            deletes = policy
        }
        return .inline(id: try fields.string("id"), presets: presets, deletes: deletes)
    }

    private static func readRequest(_ node: Node, in document: YAMLDocument, context: String) throws(ConfigProblem) -> ExpectedRequest {
        let fields = try YAMLFields(node, in: document, context: context)
        try fields.refuseUnknown([
            "scope", "externalId", "direction", "childRequest", "parent", "origin", "deleteTriggered",
        ])
        let scope = try fields.requiredString("scope")
        guard Scope(scope) != nil else { throw fields.problem("\"\(scope)\" is not a scope", at: "scope") }
        guard let idNode = fields["externalId"], idNode.tagName == .str else {
            throw fields.problem("externalId must be quoted text such as \"1234\" (ids are strings)", at: "externalId")
        }
        var request = ExpectedRequest(scope: scope, externalId: idNode.scalar?.string ?? "")
        if let text = try fields.string("direction") {
            guard let direction = Direction(rawValue: text) else {
                throw fields.problem("direction must be to or from", at: "direction")
            }
            request.direction = direction
        }
        request.childRequest = try fields.bool("childRequest") ?? false
        request.deleteTriggered = try fields.bool("deleteTriggered") ?? false
        request.parent = try readLink(fields["parent"], in: document, context: "\(context) parent")
        request.origin = try readLink(fields["origin"], in: document, context: "\(context) origin")
        return request
    }

    private static func readLink(_ node: Node?, in document: YAMLDocument, context: String) throws(ConfigProblem) -> RequestLink? {
        guard let node else { return nil }
        let fields = try YAMLFields(node, in: document, context: context)
        try fields.refuseUnknown(["kind", "externalId"])
        guard let idNode = fields["externalId"], idNode.tagName == .str else {
            throw fields.problem("externalId must be quoted text", at: "externalId")
        }
        return RequestLink(kind: try fields.requiredString("kind"), externalId: idNode.scalar?.string ?? "")
    }
}

import Foundation
import HookCapture
import HookModel
import HookRules
import HookRulesConfig
import Yams

extension RuleFixtureFile {
    /// The file rewritten so each case expects what its result shows (`hookrules test --update`). A passing
    /// `contains` case keeps its expectation; every other case becomes exact. The leading comment block is kept;
    /// comments between cases are not (the file is re-emitted from its parsed form).
    public func updated(with results: [FixtureResult]) throws -> String {
        var caseNodes: [Node] = []
        for (fixtureCase, result) in zip(cases, results) {
            var expected = fixtureCase.expected
            if let outcome = result.outcome, !(result.passed && expected.match == .contains) {
                expected = ExpectedOutcome(
                    match: .exact, requests: outcome.requests.map(ExpectedRequest.init),
                    ignored: outcome.ignored.isEmpty ? nil : outcome.ignored.map(ExpectedIgnore.init),
                    error: outcome.errors.first?.message)
            }
            caseNodes.append(Self.node(fixtureCase, expected: expected))
        }
        var top: [(Node, Node)] = []
        if let subscription { top.append((Self.text("subscription"), Self.node(subscription))) }
        top.append((Self.text("cases"), .sequence(.init(caseNodes))))
        let body = try Yams.serialize(
            node: .mapping(.init(top)), indent: 2, width: 120, allowUnicode: true, newLineScalarStyle: .literal)
        // A blank line between cases, as people write them.
        return header + body.replacingOccurrences(of: "\n- name:", with: "\n\n- name:")
    }

    private static func node(_ fixtureCase: FixtureCase, expected: ExpectedOutcome) -> Node {
        var pairs: [(Node, Node)] = [(text("name"), text(fixtureCase.name))]
        switch fixtureCase.hook {
        case .file(let path):
            pairs.append((text("hook"), text(path)))
        case .inline(let headers, let body):
            var hook: [(Node, Node)] = []
            if !headers.isEmpty {
                hook.append((text("headers"), .mapping(.init(headers.map { (text($0.name), text($0.value)) }))))
            }
            hook.append((text("body"), body.contains("\n") ? Node(body, Tag(.str), .literal) : text(body)))
            pairs.append((text("hook"), .mapping(.init(hook))))
        }
        if let subscription = fixtureCase.subscription { pairs.append((text("subscription"), node(subscription))) }
        if expected.match == .contains { pairs.append((text("match"), text("contains"))) }
        if !expected.requests.isEmpty {
            pairs.append((text("requests"), .sequence(.init(expected.requests.map(node)))))
        }
        if let ignored = expected.ignored, !ignored.isEmpty {
            pairs.append((text("ignored"), .sequence(.init(ignored.map(node)))))
        }
        if let error = expected.error { pairs.append((text("error"), text(error))) }
        return .mapping(.init(pairs))
    }

    private static func node(_ request: ExpectedRequest) -> Node {
        var pairs: [(Node, Node)] = [(text("scope"), text(request.scope)), (text("externalId"), quoted(request.externalId))]
        if request.direction != .to { pairs.append((text("direction"), text(request.direction.rawValue))) }
        if request.childRequest { pairs.append((text("childRequest"), Node("true", Tag(.bool)))) }
        if let parent = request.parent { pairs.append((text("parent"), node(parent))) }
        if let origin = request.origin { pairs.append((text("origin"), node(origin))) }
        if request.deleteTriggered { pairs.append((text("deleteTriggered"), Node("true", Tag(.bool)))) }
        return .mapping(.init(pairs, Tag(.map), .flow))
    }

    private static func node(_ link: RequestLink) -> Node {
        .mapping(.init([(text("kind"), text(link.kind)), (text("externalId"), quoted(link.externalId))], Tag(.map), .flow))
    }

    private static func node(_ ignored: ExpectedIgnore) -> Node {
        var pairs: [(Node, Node)] = [(text("record"), Node(String(ignored.record), Tag(.int)))]
        if let event = ignored.event { pairs.append((text("event"), text(event))) }
        pairs.append((text("reason"), text(ignored.reason)))
        return .mapping(.init(pairs, Tag(.map), .flow))
    }

    private static func node(_ subscription: FixtureSubscription) -> Node {
        switch subscription {
        case .named(let id):
            return text(id)
        case .inline(let id, let presets, let deletes):
            var pairs: [(Node, Node)] = []
            if let id { pairs.append((text("id"), text(id))) }
            if !presets.isEmpty {
                pairs.append((text("presets"), node(PresetValue.table(presets))))
            }
            if deletes != .ignore { pairs.append((text("deletes"), text(deletes.rawValue))) }
            return .mapping(.init(pairs))
        }
    }

    private static func node(_ value: PresetValue) -> Node {
        switch value {
        case .null: Node("null", Tag(.null))
        case .boolean(let flag): Node(flag ? "true" : "false", Tag(.bool))
        case .integer(let number): Node(String(number), Tag(.int))
        case .number(let number): Node(String(number), Tag(.float))
        case .string(let string): text(string)
        case .list(let items): .sequence(.init(items.map(node)))
        case .table(let fields):
            .mapping(.init(fields.sorted { $0.key < $1.key }.map { (text($0.key), node($0.value)) }))
        }
    }

    /// Text that reads back as the same text: quoted when plain YAML would read it as something else
    /// (`true`, `123`, `null`).
    private static func text(_ string: String) -> Node {
        Node(string).tagName == .str ? Node(string, Tag(.str)) : quoted(string)
    }

    /// Ids are always quoted, so a reader sees at once that they are strings.
    private static func quoted(_ string: String) -> Node {
        Node(string, Tag(.str), .doubleQuoted)
    }
}

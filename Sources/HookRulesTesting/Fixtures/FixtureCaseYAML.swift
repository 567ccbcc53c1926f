import HookModel
import Yams

/// A whole case written anew, for a case `--update` cannot edit in place (written as one flow mapping, or with an
/// expectation key first): its name, hook and subscription as YAML, then its expectation as
/// ``ExpectationText`` writes it.
enum FixtureCaseYAML {
    /// The lines, unindented: the first follows the case's `- `.
    static func lines(_ fixtureCase: FixtureCase, expected: ExpectedOutcome) throws -> [String] {
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
        let yaml = try Yams.serialize(
            node: .mapping(.init(pairs)), indent: 2, width: -1, allowUnicode: true, newLineScalarStyle: .literal)
        var lines = yaml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines + ExpectationText.lines(expected)
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
        Node(string).tagName == .str ? Node(string, Tag(.str)) : Node(string, Tag(.str), .doubleQuoted)
    }
}

import HookRules

/// Which mappings of one rule the cases exercised: line coverage cannot tell, because a declarative rule's
/// mappings are table entries, all built (and so all "reached") whenever the file runs.
///
/// The items, each at the line it is written on (the `rule {` line when its key is built in code):
/// - every `on` entry: exercised when a hook made a request or an ignored record for its event;
/// - an `on` entry with `unless = "preset"` counts twice instead: once switched off by the preset (an ignored
///   record for its event), once not (a request for its event);
/// - a rule-wide `scope`: exercised when a hook made any request or ignored record;
/// - every `resolve` step: exercised when it made a child request (one whose parent is of its scope).
///
/// The rule API's results say no more than this, so a `child` conversion counts as exercised with the entry
/// that holds it (a static entry converts every record it makes a request for), and the branches inside a
/// function are measured by the line coverage of that function's lines.
public struct RuleMappingCoverage: Sendable, Equatable {
    public struct Item: Sendable, Equatable, CustomStringConvertible {
        public enum Kind: Sendable, Equatable {
            /// An `on` entry.
            case event(String)
            /// An `on` entry with `unless`, with its preset set (`switchedOff`) or not.
            case unless(event: String, preset: String, switchedOff: Bool)
            /// The rule-wide `scope`.
            case scope(String)
            /// A `resolve` step, by the scope it resolves.
            case resolve(String)
        }

        public let kind: Kind
        public let line: Int
        /// How many requests and ignored records exercised it.
        public let hits: Int

        public init(kind: Kind, line: Int, hits: Int) {
            self.kind = kind
            self.line = line
            self.hits = hits
        }

        public var description: String {
            switch kind {
            case .event(let event): "on \(quoted(event))"
            case .unless(let event, let preset, true): "on \(quoted(event)) switched off by preset \(quoted(preset))"
            case .unless(let event, let preset, false): "on \(quoted(event)) with preset \(quoted(preset)) not set"
            case .scope(let scope): "scope \(scope)"
            case .resolve(let scope): "resolve \(quoted(scope))"
            }
        }

        private func quoted(_ text: String) -> String { "\"\(text)\"" }
    }

    /// The rule file's path as it was loaded (`rules/shopify.lua`).
    public let path: String
    /// In the order they are written.
    public let items: [Item]

    public init(path: String, items: [Item]) {
        self.path = path
        self.items = items
    }

    package init(_ counts: RuleMappingCounts) {
        let mappings = counts.rule.mappings, hits = counts.hits, ruleLine = counts.rule.line
        var items: [Item] = []
        for event in mappings.events {
            let line = event.line ?? ruleLine
            let requests = hits.requestsByEvent[event.name] ?? 0, ignored = hits.ignoredByEvent[event.name] ?? 0
            if let preset = event.unlessPreset {
                items.append(Item(kind: .unless(event: event.name, preset: preset, switchedOff: true), line: line, hits: ignored))
                items.append(Item(kind: .unless(event: event.name, preset: preset, switchedOff: false), line: line, hits: requests))
            } else {
                items.append(Item(kind: .event(event.name), line: line, hits: requests + ignored))
            }
        }
        if let scope = mappings.scope {
            items.append(Item(kind: .scope(scope.description), line: mappings.scopeLine ?? ruleLine, hits: hits.withoutEvent))
        }
        for step in mappings.resolveSteps {
            items.append(Item(kind: .resolve(step.scope), line: step.line ?? ruleLine, hits: hits.resolvedByScope[step.scope] ?? 0))
        }
        self.init(path: counts.rule.script.name, items: items)
    }

    /// How many items were exercised at least once.
    public var exercisedCount: Int { items.filter { $0.hits > 0 }.count }

    /// The items no case exercised, in the order they are written.
    public var unexercised: [Item] { items.filter { $0.hits == 0 } }
}

extension Sequence<RuleMappingCoverage> {
    /// Exercised and counted mapping items of all the rules together.
    public var totals: (exercised: Int, items: Int) {
        reduce((0, 0)) { ($0.0 + $1.exercisedCount, $0.1 + $1.items.count) }
    }
}

extension RuleEngine {
    /// Which mappings of each given integration's rule the hooks processed so far exercised, in the order given;
    /// integrations without a loaded rule are skipped. Counted only when the engine measures coverage (otherwise
    /// no mapping shows as exercised).
    public func mappingCoverage(of integrations: some Sequence<String>) -> [RuleMappingCoverage] {
        mappingCounts(of: integrations).map(RuleMappingCoverage.init)
    }
}

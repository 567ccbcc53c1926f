import HookModel

/// What a rule maps, as its `describe()` lists it, each with the line it is written on: the events of `on` (with
/// the scope each maps to when that is fixed, and the preset of its `unless`), the rule-wide `scope`, and the
/// `resolve` steps. Traces point at these lines; mapping coverage counts these items.
package struct RuleMappings: Sendable, Equatable {
    package struct Event: Sendable, Equatable {
        package let name: String
        /// The scope a string or a mapping table maps the event to; nil for `ignore`, a function or a list.
        package let scope: Scope?
        /// The preset whose `unless` can switch the event off.
        package let unlessPreset: String?
        /// Nil when the key is not written literally in the file (built in code).
        package let line: Int?
    }

    package struct ResolveStep: Sendable, Equatable {
        /// The scope the step resolves (`message/created`).
        package let scope: String
        package let line: Int?
    }

    /// In the order they are written (events built in code last, by name).
    package let events: [Event]
    /// The rule-wide `scope`, for rules without `event` and `on`.
    package let scope: Scope?
    package let scopeLine: Int?
    /// In the order they are written.
    package let resolveSteps: [ResolveStep]
    /// Each event's line, looked up for every request a trace points at.
    package let lines: [String: Int]

    package init(events: [Event], scope: Scope?, scopeLine: Int?, resolveSteps: [ResolveStep]) {
        self.events = events.sorted { ($0.line ?? .max, $0.name) < ($1.line ?? .max, $1.name) }
        self.scope = scope
        self.scopeLine = scopeLine
        self.resolveSteps = resolveSteps.sorted { ($0.line ?? .max, $0.scope) < ($1.line ?? .max, $1.scope) }
        lines = Dictionary(events.compactMap { event in event.line.map { (event.name, $0) } }, uniquingKeysWith: min)
    }
}

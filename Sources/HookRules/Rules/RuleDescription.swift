import HookModel
import LuaRuntime

/// Reads what a rule's `describe()` returned and checks it: scopes parse, every scope the rule maps to or resolves
/// is declared in its catalog, and every preset the rule reads is declared. A problem names the line of the entry
/// it is about (the event's mapping, the `resolve` step, the scope in `scopes`), else the `rule {` line.
enum RuleDescription {
    static func ruleFile(
        integration: String, script: LuaScript, limits: LuaLimits, description: LuaValue
    ) throws(RuleFailure) -> RuleFile {
        let source = RuleSourceLines(script)
        let ruleLine = source.ruleCallLine
        func failure(_ message: String, at line: Int?) -> RuleFailure {
            RuleFailure(message: message, location: RuleLocation(file: script.name, line: line ?? ruleLine))
        }
        let scopesLine = source.line(ofKey: "scopes", from: ruleLine)
        var scopes: [Scope] = []
        for item in description["scopes"]?.arrayValue ?? [] {
            guard let text = item.stringValue, let scope = Scope(text) else {
                let line = item.stringValue.flatMap { source.line(ofString: $0, from: scopesLine ?? ruleLine) }
                throw failure(
                    "\(item.luaLiteral) in scopes is not a scope such as \"product/updated\"", at: line ?? scopesLine)
            }
            scopes.append(scope)
        }
        let catalog = ScopeCatalog(scopes)
        func declared(_ text: String, _ context: String, at line: Int?) throws(RuleFailure) -> Scope {
            guard let scope = Scope(text) else {
                throw failure("\(context): \"\(text)\" is not a scope such as \"product/updated\"", at: line)
            }
            guard catalog.contains(scope) else {
                throw failure("\(context): scope \(scope) is not declared in scopes", at: line)
            }
            return scope
        }

        let uses = (description["used_presets"]?.arrayValue ?? []).compactMap { use in
            use["preset"]?.stringValue.map { (preset: $0, by: use["by"]?.stringValue ?? "the rule") }
        }
        let onLine = source.line(ofKey: "on", from: ruleLine) ?? ruleLine
        var events: [RuleMappings.Event] = []
        for entry in description["events"]?.arrayValue ?? [] {
            let name = entry["event"]?.stringValue ?? "?"
            let line = source.line(ofKey: name, from: onLine)
            if let problem = entry["problem"]?.stringValue { throw failure("event \"\(name)\": \(problem)", at: line) }
            let scope = try entry["scope"]?.stringValue.map { text throws(RuleFailure) in
                try declared(text, "event \"\(name)\"", at: line)
            }
            let unless = uses.first { $0.by == RuleUser.event(name).description }?.preset
            events.append(RuleMappings.Event(name: name, scope: scope, unlessPreset: unless, line: line))
        }
        let scopeLine = source.line(ofKey: "scope", from: ruleLine)
        let scope = try description["scope"]?.stringValue.map { text throws(RuleFailure) in
            try declared(text, "scope", at: scopeLine)
        }
        let resolveLine = source.line(ofKey: "resolve", from: ruleLine) ?? ruleLine
        var steps: [RuleMappings.ResolveStep] = []
        for item in description["resolve"]?.arrayValue ?? [] {
            let text = item.stringValue ?? "?"
            let line = source.line(ofKey: text, from: resolveLine)
            _ = try declared(text, "resolve", at: line)
            steps.append(RuleMappings.ResolveStep(scope: text, line: line))
        }
        let mappings = RuleMappings(events: events, scope: scope, scopeLine: scopeLine, resolveSteps: steps)

        let presetsLine = source.line(ofKey: "presets", from: ruleLine)
        var presets: [String: PresetKind] = [:]
        for entry in description["presets"]?.arrayValue ?? [] {
            guard let name = entry["name"]?.stringValue, let kind = entry["type"]?.stringValue.flatMap(PresetKind.init)
            else { throw failure("presets: every preset needs a name and a type", at: presetsLine) }
            presets[name] = kind
        }
        for (preset, user) in uses.sorted(by: { $0.by < $1.by }) where presets[preset] == nil {
            throw failure(
                "\(user) reads preset \"\(preset)\", which is not declared in presets",
                at: RuleUser(user).flatMap { $0.line(in: mappings) } ?? presetsLine)
        }
        let limitsLine = source.line(ofKey: "limits", from: ruleLine)
        var luaLimits = limits
        var hookLimits = HookLimits()
        var intake = intake(description)
        for entry in description["limits"]?.arrayValue ?? [] {
            guard let name = entry["name"]?.stringValue, let value = entry["value"]?.integerValue.map(Int.init) else {
                throw failure("limits: every limit needs a name and a positive integer", at: limitsLine)
            }
            apply(name, value, to: &luaLimits, &hookLimits)
            if name == "body_bytes" { intake.maxBodyBytes = value }
        }
        return RuleFile(
            integration: integration, script: script, catalog: catalog, line: ruleLine, mappings: mappings,
            presets: presets, limits: luaLimits, hookLimits: hookLimits, intake: intake,
            bodyFormat: description["body"]?.stringValue.flatMap(BodyFormat.init(rawValue:)))
    }

    /// The intake side, as the rule API checked it: `verify` a table of strings with a `scheme`, methods from a
    /// known list.
    private static func intake(_ description: LuaValue) -> RuleIntake {
        var intake = RuleIntake()
        if case .table(let settings)? = description["verify"] {
            intake.signature = settings.compactMapValues(\.stringValue)
        }
        let methods = (description["methods"]?.arrayValue ?? []).compactMap(\.stringValue)
        if !methods.isEmpty { intake.methods = Set(methods) }
        intake.readsDelivery = description["delivery"] == .boolean(true)
        intake.replies = description["replies"] == .boolean(true)
        intake.handshakes = description["handshakes"] == .boolean(true)
        return intake
    }

    /// Sets one limit of the rule's `limits` table (names checked by the rule API).
    private static func apply(_ name: String, _ value: Int, to lua: inout LuaLimits, _ hook: inout HookLimits) {
        switch name {
        case "memory_bytes": lua.memoryBytes = value
        case "instructions": lua.instructions = value
        case "time_ms": lua.wallClock = .milliseconds(value)
        case "json_depth": lua.jsonDepth = value
        case "form_pairs": lua.formPairs = value
        case "xml_elements": lua.xmlElements = value
        case "body_bytes": hook.bodyBytes = value
        case "headers": hook.headers = value
        case "header_bytes": hook.headerBytes = value
        case "requests": hook.requests = value
        default: break
        }
    }
}

/// Who reads a preset, as `describe()` names it in `used_presets`: `event "name"` or `resolve "scope"` (Lua's `%q`).
private enum RuleUser: CustomStringConvertible {
    case event(String)
    case resolve(String)

    init?(_ text: String) {
        for (prefix, make) in [("event ", RuleUser.event), ("resolve ", RuleUser.resolve)] where text.hasPrefix(prefix) {
            guard let name = LuaQuoted.unquote(text.dropFirst(prefix.count)) else { return nil }
            self = make(name)
            return
        }
        return nil
    }

    var description: String {
        switch self {
        case .event(let name): "event \(LuaQuoted.quote(name))"
        case .resolve(let scope): "resolve \(LuaQuoted.quote(scope))"
        }
    }

    func line(in mappings: RuleMappings) -> Int? {
        switch self {
        case .event(let name): mappings.lines[name]
        case .resolve(let scope): mappings.resolveSteps.first { $0.scope == scope }?.line
        }
    }
}

import HookModel
import LuaRuntime

/// Reads what a rule's `describe()` returned and checks it: scopes parse, and every scope the rule maps to or
/// resolves is declared in its catalog.
enum RuleDescription {
    static func ruleFile(
        integration: String, script: LuaScript, limits: LuaLimits, description: LuaValue
    ) throws(RuleFailure) -> RuleFile {
        let line = script.ruleCallLine
        let location = RuleLocation(file: script.name, line: line)
        func failure(_ message: String) -> RuleFailure {
            RuleFailure(message: message, location: location)
        }
        var scopes: [Scope] = []
        for item in description["scopes"]?.arrayValue ?? [] {
            guard let text = item.stringValue, let scope = Scope(text) else {
                throw failure("\(item) in scopes is not a scope such as \"product/updated\"")
            }
            scopes.append(scope)
        }
        let catalog = ScopeCatalog(scopes)
        func declared(_ text: String, _ context: String) throws(RuleFailure) -> Scope {
            guard let scope = Scope(text) else { throw failure("\(context): \"\(text)\" is not a scope such as \"product/updated\"") }
            guard catalog.contains(scope) else { throw failure("\(context): scope \(scope) is not declared in scopes") }
            return scope
        }
        var events: [String: Scope?] = [:]
        for entry in description["events"]?.arrayValue ?? [] {
            let event = entry["event"]?.stringValue ?? "?"
            if let text = entry["scope"]?.stringValue {
                events[event] = try declared(text, "event \"\(event)\"")
            } else {
                events[event] = .some(nil)
            }
        }
        if let text = description["scope"]?.stringValue {
            _ = try declared(text, "scope")
        }
        for item in description["resolve"]?.arrayValue ?? [] {
            _ = try declared(item.stringValue ?? "?", "resolve")
        }
        var presets: [String: PresetKind] = [:]
        for entry in description["presets"]?.arrayValue ?? [] {
            guard let name = entry["name"]?.stringValue, let kind = entry["type"]?.stringValue.flatMap(PresetKind.init)
            else { throw failure("presets: every preset needs a name and a type") }
            presets[name] = kind
        }
        let uses = (description["used_presets"]?.arrayValue ?? []).compactMap { use in
            use["preset"]?.stringValue.map { ($0, use["by"]?.stringValue ?? "the rule") }
        }
        for (preset, user) in uses.sorted(by: { $0.1 < $1.1 }) where presets[preset] == nil {
            throw failure("\(user) reads preset \"\(preset)\", which is not declared in presets")
        }
        var luaLimits = limits
        var hookLimits = HookLimits()
        for entry in description["limits"]?.arrayValue ?? [] {
            guard let name = entry["name"]?.stringValue, let value = entry["value"]?.integerValue.map(Int.init) else {
                throw failure("limits: every limit needs a name and a positive integer")
            }
            apply(name, value, to: &luaLimits, &hookLimits)
        }
        return RuleFile(
            integration: integration, script: script, catalog: catalog, line: line, events: events,
            mappingLines: script.mappingLines(of: events.keys), presets: presets, limits: luaLimits,
            hookLimits: hookLimits, intake: intake(description))
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
        case "body_bytes": hook.bodyBytes = value
        case "headers": hook.headers = value
        case "header_bytes": hook.headerBytes = value
        case "requests": hook.requests = value
        default: break
        }
    }
}

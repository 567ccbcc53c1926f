import HookModel
import LuaRuntime

/// What a rule receives: the hook (headers lower-cased, body decoded straight into Lua, raw bytes) and the
/// subscription (id, integration, presets).
enum HookInput {
    static func hook(_ hook: Hook, for subscription: Subscription, bodyFormat: BodyFormat?) -> LuaInput {
        let body: LuaInput
        switch BodyFormat.of(hook, ruleChoice: bodyFormat) {
        case .json: body = .lazyJSON(hook.body)
        case .form: body = .form(hook.body)
        case .xml: body = .xml(hook.body)
        case .raw, nil: body = .value(.nil)
        }
        // `raw` is copied into Lua only if the rule reads it (or touches the hook table as a whole).
        return .named("hook", .tableDeferringBytes([
            ("id", .value(.string(hook.id))),
            ("integration", .value(.string(subscription.integration))),
            ("subscription", .value(.string(subscription.id))),
            ("headers", .lazyStrings(hook.headers.normalizedFields)),
            ("query", .strings(hook.query.map { (name: $0.key, value: $0.value) })),
            ("body", body),
        ], name: "raw", bytes: hook.body))
    }

    /// - Parameter presets: the subscription's presets as Lua sees them, when already made (see ``presets(_:)``).
    static func subscription(_ subscription: Subscription, presets: LuaValue? = nil) -> LuaInput {
        // Fields in a list rather than a dictionary: nothing to hash on every hook.
        .named("subscription", .table([
            ("id", .value(.string(subscription.id))),
            ("integration", .value(.string(subscription.integration))),
            ("presets", .value(presets ?? Self.presets(subscription))),
        ]))
    }

    static func presets(_ subscription: Subscription) -> LuaValue {
        .table(subscription.presets.mapValues(LuaValue.init))
    }
}

extension LuaValue {
    /// A preset as Lua sees it: `null` becomes nil, lists and tables keep their shape.
    init(_ preset: PresetValue) {
        switch preset {
        case .null: self = .nil
        case .boolean(let value): self = .boolean(value)
        case .integer(let value): self = .integer(value)
        case .number(let value): self = .number(value)
        case .string(let value): self = .string(value)
        case .list(let items): self = .array(items.map(LuaValue.init))
        case .table(let fields): self = .table(fields.mapValues(LuaValue.init))
        }
    }
}

extension RuleLocation {
    init(_ location: LuaSourceLocation) {
        self.init(file: location.chunk, line: location.line)
    }
}

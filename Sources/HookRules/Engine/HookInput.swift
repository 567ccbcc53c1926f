import LuaRuntime

/// What a rule receives: the hook (headers lower-cased, body decoded straight into Lua, raw bytes) and the
/// subscription (id, integration, presets).
enum HookInput {
    static func hook(_ hook: Hook) -> LuaInput {
        let body: LuaInput
        switch hook.bodyFormat {
        case .json: body = .lazyJSON(hook.body)
        case .form: body = .form(hook.body)
        case .none: body = .value(.nil)
        }
        // `raw` is copied into Lua only if the rule reads it (or touches the hook table as a whole).
        return .named("hook", .tableDeferringBytes([
            ("id", .value(.string(hook.id))),
            ("integration", .value(.string(hook.integration))),
            ("subscription", .value(.string(hook.subscription))),
            ("headers", .lazyStrings(hook.headers.normalizedFields)),
            ("query", .strings(hook.query.map { (name: $0.key, value: $0.value) })),
            ("body", body),
        ], name: "raw", bytes: hook.body))
    }

    static func subscription(_ subscription: Subscription) -> LuaInput {
        // Fields in a list rather than a dictionary: nothing to hash on every hook.
        .named("subscription", .table([
            ("id", .value(.string(subscription.id))),
            ("integration", .value(.string(subscription.integration))),
            ("presets", .value(.table(subscription.presets))),
        ]))
    }
}

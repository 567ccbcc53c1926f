import HookModel

/// The captures as a Lua table literal, for the plain-Lua reference to `dofile`.
struct LuaManifest {
    let captures: [RuleRunComparison.Capture]

    var source: String {
        var lines = ["return {"]
        for entry in captures {
            let headers = entry.capture.headers.fields.map { "[\(quote($0.name))] = \(quote($0.value))" }
            let subscription = entry.subscription
            lines.append("""
                  { rule = \(quote(entry.rulePath)), body = \(quote(entry.capture.path)), \
                headers = { \(headers.joined(separator: ", ")) }, \
                subscription = { id = \(quote(subscription.id)), integration = \(quote(subscription.integration)), \
                presets = \(literal(.table(subscription.presets))), deletes = \(quote(subscription.deletes.rawValue)) } },
                """)
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    private func literal(_ value: PresetValue) -> String {
        switch value {
        case .null: "nil"
        case .boolean(let flag): flag ? "true" : "false"
        case .integer(let number): String(number)
        case .number(let number): "\(number)"
        case .string(let text): quote(text)
        case .list(let items): "{ " + items.map(literal).joined(separator: ", ") + " }"
        case .table(let fields):
            "{ " + fields.sorted { $0.key < $1.key }.map { "[\(quote($0.key))] = \(literal($0.value))" }
                .joined(separator: ", ") + " }"
        }
    }

    /// A Lua long-bracket-free quoted string: every byte outside printable ASCII escaped as \ddd.
    private func quote(_ text: String) -> String {
        var out = "\""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out += "\\" + String(UnicodeScalar(byte))
            case 0x20..<0x7f: out += String(UnicodeScalar(byte))
            default: out += "\\" + String(byte)
            }
        }
        return out + "\""
    }
}

import Foundation
import LuaRuntime

extension LuaValue {
    /// The value as it would be written in Lua, for messages about a rule's own values: `"inventory/adjusted"`,
    /// `42`, `1.5`, `{ "a", "b" }`, never Swift's rendering of the enum.
    var luaLiteral: String {
        switch self {
        case .nil: return "nil"
        case .boolean(let flag): return flag ? "true" : "false"
        case .integer(let number): return String(number)
        case .number(let number): return Self.luaNumber(number)
        case .string(let text): return Self.quoted(text)
        case .array(let items): return Self.shortened("{ " + items.map(\.luaLiteral).joined(separator: ", ") + " }")
        case .table(let fields) where fields.isEmpty: return "{}"
        case .table(let fields):
            let pairs = fields.sorted { $0.key < $1.key }.map { key, value in
                (Self.isName(key) ? key : "[\(Self.quoted(key))]") + " = " + value.luaLiteral
            }
            return Self.shortened("{ " + pairs.joined(separator: ", ") + " }")
        }
    }

    /// Lua's `%.14g`, with `.0` on a whole number as Lua 5.4 prints floats.
    private static func luaNumber(_ number: Double) -> String {
        if number.isNaN { return "nan" }
        if number.isInfinite { return number < 0 ? "-inf" : "inf" }
        let text = String(format: "%.14g", number)
        return text.contains(where: { $0 == "." || $0 == "e" || $0 == "n" || $0 == "i" }) ? text : text + ".0"
    }

    /// Double-quoted with the escapes a Lua string literal uses: other control characters as `\ddd`.
    private static func quoted(_ text: String) -> String {
        text.doubleQuoted { $0.value < 0x20 || $0.value == 0x7F ? "\\\($0.value)" : nil }
    }

    private static func isName(_ key: String) -> Bool {
        key.wholeMatch(of: /[A-Za-z_][A-Za-z0-9_]*/) != nil
    }

    /// A long table is cut, so one message stays one readable line.
    private static func shortened(_ text: String) -> String {
        text.count <= 80 ? text : String(text.prefix(77)) + "...}"
    }
}

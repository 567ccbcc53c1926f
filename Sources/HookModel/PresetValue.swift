/// A subscription preset's value as configured: JSON-like plain data. The rule engine hands it to Lua as a table;
/// nothing else needs to know how. Integers stay `Int64` (a 64-bit id in a preset keeps every digit).
public enum PresetValue: Sendable, Hashable {
    case null
    case boolean(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case list([PresetValue])
    case table([String: PresetValue])
}

extension PresetValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(arrayLiteral elements: PresetValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, PresetValue)...) {
        self = .table(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

import LuaRuntime

// Encodable so JSONEncoder writes results: it prints Int64 digits exactly, which ids need.
extension LuaValue: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .nil: try container.encodeNil()
        case .boolean(let flag): try container.encode(flag)
        case .integer(let number): try container.encode(number)
        case .number(let number): try container.encode(number)
        case .string(let text): try container.encode(text)
        case .array(let items): try container.encode(items)
        case .table(let fields): try container.encode(fields)
        }
    }
}

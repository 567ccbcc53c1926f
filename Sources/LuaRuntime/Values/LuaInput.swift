/// A value the host hands to a rule. Bodies stay bytes until they are decoded straight into Lua tables: there is no
/// intermediate Swift tree on the hot path.
public enum LuaInput: Sendable {
    case value(LuaValue)
    /// A Lua string holding exactly these bytes (a raw body, a header that may not be UTF-8).
    case bytes([UInt8])
    /// A JSON document, decoded into Lua tables (see `JSONLuaDecoder` for the exact rules).
    case json([UInt8])
    /// A JSON document decoded lazily: checked whole before the rule runs (refused exactly as `.json` would be),
    /// then each object or array is built the first time the rule touches it. What the rule sees is the same as with
    /// `.json`; only the parts it never reads are never built.
    case lazyJSON([UInt8])
    /// An `application/x-www-form-urlencoded` body, decoded into a table of strings.
    case form([UInt8])
    /// An XML document, decoded into Lua tables (see `XMLLuaDecoder` for the mapping and what is refused).
    case xml([UInt8])
    /// A table of strings (`name = value`, in this order; a repeated name keeps its last value), without the
    /// dictionary a `.value(.table(...))` needs.
    case strings([(name: String, value: String)])
    /// `.strings` as a placeholder (a hook's headers): a read of one name is answered from these pairs without
    /// building the table, which is built on the fifth read or any other touch (`pairs`, `next`, `#`, a write,
    /// returning it). What the rule sees is the same as with `.strings`; a rule reading one header of twelve makes one
    /// Lua string instead of twenty-five.
    case lazyStrings([(name: String, value: String)])
    /// A table with these fields, in this order.
    case table([(String, LuaInput)])
    /// A table with these fields and one more, `name`, holding exactly `bytes` as a Lua string (a raw body). That
    /// field is only copied into Lua when the rule first reads it or touches the table as a whole (`pairs`, `next`,
    /// `#`, a write, returning it): most rules never read the raw body, and copying kilobytes into Lua on every hook
    /// would be work for nothing. What the rule sees is the same as with the field in `.table`.
    case tableDeferringBytes([(String, LuaInput)], name: String, bytes: [UInt8])
    /// The same input, called `name` in error messages (`hook.body: invalid JSON at byte 9`) instead of by its
    /// position among the arguments.
    indirect case named(String, LuaInput)
}

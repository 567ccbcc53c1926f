import LuaRuntime
import Testing

/// Decodes bodies through a real state, the way hooks are decoded, and hands back what the rule sees.
struct DecodingHarness: ~Copyable {
    var rule: RuleHarness
    /// Bodies go in as `.lazyJSON` (as hooks' bodies do) instead of `.json`; reading the result builds everything.
    let lazily: Bool

    init(limits: LuaLimits = LuaLimits(), lazily: Bool = false) throws {
        self.lazily = lazily
        rule = try RuleHarness("""
            return {
              handle = function(value) return value end,
            }
            """, limits: limits)
    }

    mutating func decode(_ json: String) throws -> LuaValue {
        try decode(Array(json.utf8))
    }

    mutating func decode(_ bytes: [UInt8]) throws -> LuaValue {
        try rule.handle(lazily ? .lazyJSON(bytes) : .json(bytes)).values.first ?? .nil
    }

    /// The byte offset the decoder reported for a document it refused.
    mutating func errorOffset(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> Int? {
        guard let error = expectLuaError(sourceLocation: sourceLocation, { _ = try decode(bytes) }) else { return nil }
        #expect(error.kind == .invalidInput, "\(error)", sourceLocation: sourceLocation)
        guard let range = error.message.firstRange(of: "at byte ") else { return nil }
        return Int(error.message[range.upperBound...].prefix { $0.isNumber })
    }

    mutating func errorOffset(_ json: String, sourceLocation: SourceLocation = #_sourceLocation) -> Int? {
        errorOffset(Array(json.utf8), sourceLocation: sourceLocation)
    }
}

/// Runs Lua against a decoded body (eagerly or lazily decoded): `source` is the body of a function of `body`.
func inspect(_ json: String, _ source: String, lazily: Bool = false) throws -> [LuaValue] {
    var rule = try RuleHarness("return { handle = function(body) \(source) end }")
    let bytes = Array(json.utf8)
    return try rule.handle(lazily ? .lazyJSON(bytes) : .json(bytes)).values
}

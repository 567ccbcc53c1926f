import LuaRuntime
import Testing

@Suite("JSON numbers arrive exactly")
struct JSONNumberTests {
    @Test("integers within 64 bits are Lua integers, exactly", arguments: [
        ("9007199254740991", Int64(9_007_199_254_740_991)),  // 2^53 - 1
        ("9007199254740992", 9_007_199_254_740_992),  // 2^53
        ("9007199254740993", 9_007_199_254_740_993),  // 2^53 + 1: a double would round it
        ("9223372036854775807", .max),  // 2^63 - 1
        ("-9223372036854775808", .min),  // -2^63
        ("820982911946154508", 820_982_911_946_154_508),  // Shopify; lua-cjson gives 8.2098291194615e+17
        ("0", 0), ("-1", -1), ("-0", 0),
    ])
    func exactIntegers(literal: String, expected: Int64) throws {
        var decoder = try DecodingHarness()
        #expect(try decoder.decode("[\(literal)]") == .array([.integer(expected)]))
        #expect(try inspect("[\(literal)]", "return math.type(body[1])") == ["integer"])
    }

    @Test("integers beyond 64 bits and numbers beyond a double arrive as their literal text", arguments: [
        "9223372036854775808", "-9223372036854775809", "18446744073709551616", "123456789012345678901234567890",
        "1e400", "-1e400", "1.5e999",
    ])
    func literalKept(literal: String) throws {
        var decoder = try DecodingHarness()
        #expect(try decoder.decode("{\"id\": \(literal)}") == ["id": .string(literal)])
    }

    @Test("fractions and exponents are floats", arguments: [
        ("1.5", 1.5), ("1E2", 100.0), ("1e-2", 0.01), ("-2.5e+3", -2500.0), ("1e-400", 0.0), ("0.1", 0.1),
    ])
    func floats(literal: String, expected: Double) throws {
        var decoder = try DecodingHarness()
        #expect(try decoder.decode("[\(literal)]") == .array([.number(expected)]))
    }

    @Test("-0.0 stays a negative zero float; -0 is integer zero")
    func negativeZero() throws {
        #expect(try inspect("[-0.0, -0]", "return 1 / body[1], math.type(body[2]), body[2]") == [
            .number(-.infinity), "integer", 0,
        ])
    }
}

import LuaRuntime
import Testing

@Suite("JSON structure, strings and nulls")
struct JSONStructureTests {
    @Test("a null member is absent; a null element is json.null and keeps positions")
    func nulls() throws {
        let values = try inspect(
            #"{"customer": null, "list": [1, null, 3], "kept": 0}"#,
            "return body.customer == nil, #body.list, body.list[2] == json.null, body.kept")
        #expect(values == [true, 3, true, 0])
        var decoder = try DecodingHarness()
        #expect(try decoder.decode("null") == .nil)
    }

    @Test("duplicate keys: the last one wins")
    func duplicateKeys() throws {
        var decoder = try DecodingHarness()
        #expect(try decoder.decode(#"{"a": 1, "a": 2, "b": {"c": 1, "c": "x"}}"#) == ["a": 2, "b": ["c": "x"]])
    }

    @Test("escapes, surrogate pairs, and lone surrogates as U+FFFD")
    func escapes() throws {
        var decoder = try DecodingHarness()
        #expect(try decoder.decode(#"["a\"b\\c\/d\b\f\n\r\t", "\u00e9\u20AC", "\ud83d\ude00", "\ud800", "x\udc00y", "\ud800\u0041"]"#)
            == ["a\"b\\c/d\u{08}\u{0C}\n\r\t", "é€", "😀", "\u{FFFD}", "x\u{FFFD}y", "\u{FFFD}A"])
    }

    @Test("multi-byte UTF-8 passes through unchanged")
    func utf8() throws {
        var decoder = try DecodingHarness()
        #expect(try decoder.decode(#"{"name": "Zoë – 東京 🚗"}"#) == ["name": "Zoë – 東京 🚗"])
    }

    @Test("a UTF-8 byte order mark is skipped")
    func byteOrderMark() throws {
        var decoder = try DecodingHarness()
        #expect(try decoder.decode([0xEF, 0xBB, 0xBF] + Array(#"{"a": 1}"#.utf8)) == ["a": 1])
    }

    @Test("nesting 100,000 deep is a clean error at the depth limit, not a stack overflow")
    func deepNesting() throws {
        var decoder = try DecodingHarness()
        let deepArrays = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(decoder.errorOffset(deepArrays) == 512)
        let deepObjects = String(repeating: #"{"a":"#, count: 100_000) + "1" + String(repeating: "}", count: 100_000)
        #expect(decoder.errorOffset(deepObjects) == 512 * 5)
        try decoder.rule.expectHealthy()
    }

    @Test("nesting up to the limit decodes")
    func nestingWithinLimit() throws {
        let document = String(repeating: "[", count: 500) + "7" + String(repeating: "]", count: 500)
        var path = "body"
        for _ in 0..<500 { path += "[1]" }
        #expect(try inspect(document, "return \(path)") == [7])
    }

    @Test("invalid UTF-8 is refused at the offending byte", arguments: [
        ([0x22, 0xFF, 0x22], 1),  // not a UTF-8 byte
        ([0x22, 0xC0, 0xAF, 0x22], 1),  // overlong '/'
        ([0x22, 0xE0, 0x80, 0xAF, 0x22], 2),  // overlong, 3 bytes
        ([0x22, 0xED, 0xA0, 0x80, 0x22], 2),  // UTF-16 surrogate encoded in UTF-8
        ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 2),  // above U+10FFFF
        ([0x22, 0xC3, 0x22], 2),  // truncated sequence
        ([0x22, 0x61, 0x80, 0x22], 2),  // lone continuation byte
        ([0x22, 0xE2, 0x82], 1),  // truncated at the end of input
    ] as [([UInt8], Int)])
    func invalidUTF8(bytes: [UInt8], offset: Int) throws {
        var decoder = try DecodingHarness()
        #expect(decoder.errorOffset(bytes) == offset)
    }

    @Test("truncated documents are refused at the end", arguments: [
        #"{"a":"#, "[1,2", #""abc"#, "tru", #"{"a""#, "[", "{", "-", "1.", "1e", #"{"a":1"#, #"["\u12"]"#,
    ])
    func truncated(document: String) throws {
        var decoder = try DecodingHarness()
        let offset = decoder.errorOffset(document)
        #expect(offset != nil)
        #expect((offset ?? 0) <= document.utf8.count)
    }

    @Test("every bundled sample decodes")
    func bundledSamples() throws {
        let samples = try BundledSamples.all()
        #expect(samples.count >= 20)
        var decoder = try DecodingHarness()
        for sample in samples {
            #expect(throws: Never.self, "\(sample.path)") { _ = try decoder.decode(sample.bytes) }
        }
    }

    @Test("spot checks on real payloads")
    func realPayloads() throws {
        var decoder = try DecodingHarness()
        let hubspot = try decoder.decode(BundledSamples.bytes("hubspot/deal.deletion.json"))
        #expect(hubspot.arrayValue?.first?["objectId"] == .integer(4_658_499_849))
        let github = try decoder.decode(BundledSamples.bytes("github/issues.opened.json"))
        #expect(github["action"] == "opened")
        #expect(github["issue"]?["number"]?.integerValue != nil)
        let shopify = try decoder.decode(BundledSamples.bytes("shopify/products.update.json"))
        #expect(shopify["admin_graphql_api_id"] == "gid://shopify/Product/788032119674292922")
    }
}

import LuaRuntime
import Testing

/// Cases in the style of Nicolas Seriot's JSONTestSuite: `n_` documents must be refused (with an offset inside the
/// document), `y_` documents must decode.
@Suite("JSONTestSuite-style documents")
struct JSONTestSuiteTests {
    static let mustFail: [(name: String, document: String)] = [
        ("n_array_1_true_without_comma", "[1 true]"),
        ("n_array_extra_close", #"["x"]]"#),
        ("n_array_extra_comma", #"["",]"#),
        ("n_array_double_comma", "[1,,2]"),
        ("n_array_leading_comma", "[,1]"),
        ("n_array_just_comma", "[,]"),
        ("n_array_unclosed", "[\"\""),
        ("n_array_colon_instead_of_comma", #"["": 1]"#),
        ("n_incomplete_false", "[fals]"),
        ("n_incomplete_null", "[nul]"),
        ("n_incomplete_true", "[tru]"),
        ("n_number_plus_one", "[+1]"),
        ("n_number_leading_zero", "[01]"),
        ("n_number_minus_leading_zero", "[-01]"),
        ("n_number_dot_only_fraction", "[.5]"),
        ("n_number_trailing_dot", "[1.]"),
        ("n_number_exponent_without_digits", "[1e]"),
        ("n_number_exponent_sign_only", "[1e+]"),
        ("n_number_NaN", "[NaN]"),
        ("n_number_Infinity", "[Infinity]"),
        ("n_number_minus_Infinity", "[-Infinity]"),
        ("n_number_hex", "[0x42]"),
        ("n_number_minus_space", "[- 1]"),
        ("n_number_double_minus", "[--1]"),
        ("n_object_trailing_comma", #"{"id":0,}"#),
        ("n_object_unquoted_key", "{a: 1}"),
        ("n_object_single_quote", "{'a': 1}"),
        ("n_object_missing_colon", #"{"a" 1}"#),
        ("n_object_missing_value", #"{"a":}"#),
        ("n_object_non_string_key", "{1: 1}"),
        ("n_object_comma_instead_of_colon", #"{"a", 1}"#),
        ("n_object_double_colon", #"{"a"::1}"#),
        ("n_object_unclosed", #"{"a": 1"#),
        ("n_string_single_quote", "['single']"),
        ("n_string_unescaped_tab", "[\"a\tb\"]"),
        ("n_string_unescaped_newline", "[\"a\nb\"]"),
        ("n_string_invalid_escape", #"["\x00"]"#),
        ("n_string_incomplete_unicode", #"["\u00A"]"#),
        ("n_string_invalid_unicode_hex", #"["\uqqqq"]"#),
        ("n_string_backslash_at_end", #"["\"#),
        ("n_structure_comment", "[1] // comment"),
        ("n_structure_block_comment", "/* c */ [1]"),
        ("n_structure_trailing_garbage", "{} x"),
        ("n_structure_two_documents", "[1] [2]"),
        ("n_structure_lone_close", "]"),
        ("n_structure_empty", ""),
        ("n_structure_whitespace_only", " \n\t "),
        ("n_structure_nbsp_whitespace", "\u{A0}[1]"),
        ("n_structure_capitalized_True", "[True]"),
    ]

    static let mustPass: [(name: String, document: String)] = [
        ("y_array_empty", "[]"),
        ("y_array_nested_empty", "[[], {}, [[]]]"),
        ("y_object_empty", "{}"),
        ("y_object_empty_key", #"{"": 0}"#),
        ("y_object_escaped_key", #"{"\u0061": 1}"#),
        ("y_structure_whitespace_around", " \r\n\t[1]\r\n\t "),
        ("y_number_zero", "[0]"),
        ("y_number_negative_zero", "[-0]"),
        ("y_number_real_capital_e", "[1E22]"),
        ("y_number_real_exponent_plus", "[1e+2]"),
        ("y_number_real_fraction_exponent", "[123.456e78]"),
        ("y_number_simple_real", "[123.456789]"),
        ("y_string_escaped_null", #"["\u0000"]"#),
        ("y_string_unicode_escaped_double_quote", #"["\u0022"]"#),
        ("y_string_nonchar", #"["\uFFFF"]"#),
        ("y_string_utf8_4byte", "[\"𝄞\"]"),
        ("y_string_allowed_escapes", #"["\"\\\/\b\f\n\r\t"]"#),
        ("y_string_with_del", "[\"a\u{7F}a\"]"),
        ("y_literals", "[true, false, null]"),
        ("y_toplevel_string", #""asd""#),
        ("y_toplevel_number", "42"),
        ("y_toplevel_true", "true"),
        ("y_toplevel_null", "null"),
    ]

    @Test("n_ documents are refused with an offset inside the document", arguments: mustFail.map(\.document))
    func refused(document: String) throws {
        var decoder = try DecodingHarness()
        let offset = decoder.errorOffset(document)
        #expect(offset != nil)
        #expect((0...document.utf8.count).contains(offset ?? -1))
        try decoder.rule.expectHealthy()
    }

    @Test("y_ documents decode", arguments: mustPass.map(\.document))
    func accepted(document: String) throws {
        var decoder = try DecodingHarness()
        #expect(throws: Never.self) { _ = try decoder.decode(document) }
    }

    @Test("a few refusals point at the exact byte")
    func exactOffsets() throws {
        var decoder = try DecodingHarness()
        #expect(decoder.errorOffset(#"{"id":0,}"#) == 8)
        #expect(decoder.errorOffset("[01]") == 2)
        #expect(decoder.errorOffset("[1 true]") == 3)
        #expect(decoder.errorOffset("{} x") == 3)
        #expect(decoder.errorOffset("[\"a\tb\"]") == 3)
    }
}

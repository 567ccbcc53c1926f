import Foundation
@testable import HookRules
import RuleTestSupport
import Testing

/// The rule API's globals are declared three times outside the API itself: for luacheck (rules/.luacheckrc, run by
/// CI), for lua-language-server (rules/.luarc.json) and as editor types (rules/.luals/hookrules.lua). A function added
/// to the API and missing from one of them would be reported as an undefined global, or not autocompleted.
@Suite("Rule API globals: the lint and editor configurations name exactly the API")
struct RuleGlobalsConfigTests {
    static let rules = Samples.folder.deletingLastPathComponent().appendingPathComponent("rules")

    /// `function api.header(name)` ... in the rule API, plus `json`, which the sandbox adds.
    static func apiNames() -> Set<String> {
        Set(matches(of: #"function api\.(\w+)\("#, in: RuleLanguage.source)).union(["json", "xml"])
    }

    static func matches(of pattern: String, in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    static func read(_ name: String) throws -> String {
        try String(contentsOf: rules.appendingPathComponent(name), encoding: .utf8)
    }

    @Test("the API is what the rules use: rule, header, field, ignore, by_prefix and json")
    func api() {
        #expect(Self.apiNames() == ["rule", "header", "field", "ignore", "by_prefix", "json", "xml"])
    }

    @Test("rules/.luacheckrc lists every API global and json's fields")
    func luacheck() throws {
        let config = try Self.read(".luacheckrc")
        let apiLine = try #require(config.components(separatedBy: "\n").drop { !$0.contains("-- The rule API.") }.dropFirst().first)
        let tables = ["json", "xml"].filter { config.contains("\($0) = {") }
        let declared = Set(Self.matches(of: #""(\w+)""#, in: apiLine)).union(tables)
        #expect(declared == Self.apiNames(), "\(apiLine)")
        #expect(config.contains(#"json = { fields = { "decode", "null" } }"#))
        #expect(config.contains(#"xml = { fields = { "decode", "list" } }"#))
    }

    @Test("rules/.luarc.json declares the same globals for lua-language-server")
    func luarc() throws {
        let data = try Data(contentsOf: Self.rules.appendingPathComponent(".luarc.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let globals = try #require(object["diagnostics.globals"] as? [String])
        #expect(Set(globals) == Self.apiNames())
    }

    @Test("rules/.luals/hookrules.lua types every API function, json and xml")
    func editorTypes() throws {
        let stubs = try Self.read(".luals/hookrules.lua")
        let declared = Set(Self.matches(of: #"^function (\w+)\("#, in: stubs))
            .union(Self.matches(of: #"^(json|xml) = \{\}"#, in: stubs))
        #expect(declared == Self.apiNames())
    }
}

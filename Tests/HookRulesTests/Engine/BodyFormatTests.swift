import HookModel
import HookRules
import LuaRuntime
import RuleTestSupport
import Testing

/// Which decoder a body gets: the rule's `body = "..."`, else the Content-Type, else a sniff of the first byte; any
/// type without a decoder reaches the rule as `hook.raw` only, so nothing fails before the rule runs.
@Suite("Rule engine: body formats")
struct BodyFormatTests {
    /// A rule whose request id says what it saw: the body's `id` (JSON, form) or `order.id` (XML), or `raw N` when
    /// the body was not decoded (N bytes in `hook.raw`).
    static func rule(_ extra: String = "") -> String {
        """
        return rule {
          scopes = { "product/updated" },
          scope = "product/updated",
          id = function(_, hook)
            local body = hook.body
            if type(body) ~= "table" then return "raw " .. #hook.raw end
            return body.id or body.order.id
          end,
          \(extra)
        }
        """
    }

    @Test(
        "media types name their format, without case or parameters",
        arguments: [
            ("application/json", BodyFormat.json), ("Application/JSON; charset=utf-8", .json),
            ("application/vnd.api+json", .json), ("application/cloudevents+json; charset=UTF-8", .json),
            ("application/x-www-form-urlencoded", .form), ("application/x-www-form-urlencoded;charset=UTF-8", .form),
            ("text/xml", .xml), ("text/xml; charset=utf-8", .xml), ("application/xml", .xml),
            ("application/soap+xml; charset=utf-8; action=\"urn:notify\"", .xml), ("application/atom+xml", .xml),
            ("text/plain", .raw), ("application/octet-stream", .raw), ("multipart/form-data; boundary=x", .raw),
            ("text/html", .raw), ("application/jsonx", .raw), ("xml", .raw),
        ])
    func contentTypes(contentType: String, format: BodyFormat) {
        #expect(BodyFormat(contentType: contentType) == format)
    }

    @Test("no Content-Type (missing or blank): JSON when the first byte is { or [, else raw")
    func sniffing() {
        #expect(BodyFormat(contentType: nil) == nil && BodyFormat(contentType: "  ") == nil)
        let hook = { (body: String, headers: HTTPHeaders) in
            Hook(id: "h", subscription: "s", headers: headers, body: Array(body.utf8))
        }
        #expect(BodyFormat.of(hook(#" {"id": 1}"#, [:]), ruleChoice: nil) == .json)
        #expect(BodyFormat.of(hook("\u{FEFF}\n[1]", [:]), ruleChoice: nil) == .json)
        #expect(BodyFormat.of(hook("<a/>", [:]), ruleChoice: nil) == .raw)
        #expect(BodyFormat.of(hook("id=1", ["Content-Type": ""]), ruleChoice: nil) == .raw)
        #expect(BodyFormat.of(hook("", ["Content-Type": "text/xml"]), ruleChoice: nil) == nil)
        #expect(BodyFormat.of(hook("<a/>", ["Content-Type": "application/json"]), ruleChoice: .xml) == .xml)
    }

    @Test("each format reaches the rule decoded; an unknown type reaches it as hook.raw only")
    func throughTheEngine() async throws {
        let harness = try EngineHarness(Self.rule())
        let json = await harness.process(body: #"{"id": 7}"#, headers: ["Content-Type": "application/json"])
        #expect(json.summary == ["product/updated 7"])
        let xml = await harness.process(
            body: "<order><id>8</id></order>", headers: ["Content-Type": "application/xml; charset=utf-8"])
        #expect(xml.summary == ["product/updated 8"], "\(xml.errors)")
        let form = await harness.process(body: "id=9", headers: ["Content-Type": "application/x-www-form-urlencoded"])
        #expect(form.summary == ["product/updated 9"])
        let text = await harness.process(body: "id 10, not JSON", headers: ["Content-Type": "text/plain"])
        #expect(text.summary == ["product/updated raw 15"], "\(text.errors) \(text.ignored)")
        let unlabelled = await harness.process(body: "<order><id>8</id></order>")
        #expect(unlabelled.summary == ["product/updated raw 25"], "\(unlabelled.errors)")
        let sniffed = await harness.process(body: #"{"id": 11}"#)
        #expect(sniffed.summary == ["product/updated 11"])
    }

    @Test("an XML body that is not well-formed fails before the rule runs, naming byte and line")
    func invalidXML() async throws {
        let harness = try EngineHarness(Self.rule())
        let outcome = await harness.process(body: "<order>\n<id>8</order>", headers: ["Content-Type": "text/xml"])
        #expect(outcome.failed)
        #expect(outcome.errors.first?.message.hasPrefix("hook.body: invalid XML at byte ") == true, "\(outcome.errors)")
        #expect(outcome.errors.first?.message.contains("(line 2): Opening and ending tag mismatch") == true)
    }

    @Test("body = \"...\" forces the format whatever the Content-Type says")
    func forced() async throws {
        let xml = try EngineHarness(Self.rule(#"body = "xml","#))
        let labelledText = await xml.process(body: "<order><id>12</id></order>", headers: ["Content-Type": "text/plain"])
        #expect(labelledText.summary == ["product/updated 12"], "\(labelledText.errors)")
        #expect(await xml.process(body: "<order><id>13</id></order>").summary == ["product/updated 13"])
        let json = try EngineHarness(Self.rule(#"body = "json","#))
        #expect(await json.process(body: #"{"id": 14}"#, headers: ["Content-Type": "text/plain"]).summary
            == ["product/updated 14"])
        let raw = try EngineHarness(Self.rule(#"body = "raw","#))
        #expect(await raw.process(body: "{not json", headers: ["Content-Type": "application/json"]).summary
            == ["product/updated raw 9"])
        let form = try EngineHarness(Self.rule(#"body = "form","#))
        #expect(await form.process(body: "id=15", headers: ["Content-Type": "text/plain"]).summary
            == ["product/updated 15"])
    }

    @Test("a body format the rule API does not know stops the rule from loading")
    func unknownFormat() {
        #expect {
            _ = try EngineHarness(Self.rule(#"body = "yaml","#))
        } throws: { error in
            "\(error)".contains(#"rule: body must be "json", "form", "xml" or "raw", not "yaml""#)
        }
    }

    @Test("limits.xml_elements is the rule's own element limit")
    func elementLimit() async throws {
        let harness = try EngineHarness(Self.rule("limits = { xml_elements = 2 },"))
        let headers: HTTPHeaders = ["Content-Type": "text/xml"]
        #expect(await harness.process(body: "<order><id>1</id></order>", headers: headers).summary == ["product/updated 1"])
        let outcome = await harness.process(body: "<order><id>1</id><x/></order>", headers: headers)
        #expect(outcome.errors.first?.message.contains("more than 2 elements (limits.xml_elements)") == true)
    }
}

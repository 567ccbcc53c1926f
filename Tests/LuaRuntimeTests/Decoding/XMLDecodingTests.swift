import LuaRuntime
import Testing

@Suite("XML bodies")
struct XMLDecodingTests {
    func decode(_ body: String, limits: LuaLimits = LuaLimits()) throws -> LuaValue {
        try decode(Array(body.utf8), limits: limits)
    }

    func decode(_ bytes: [UInt8], limits: LuaLimits = LuaLimits()) throws -> LuaValue {
        var rule = try RuleHarness("return { handle = function(body) return body end }", limits: limits)
        return try rule.handle(.named("hook.body", .xml(bytes))).values.first ?? .nil
    }

    /// The message a refused document fails with (`hook.body: invalid XML at byte N (line L): ...`).
    func refusal(
        _ body: String, limits: LuaLimits = LuaLimits(), sourceLocation: SourceLocation = #_sourceLocation
    ) -> String {
        refusal(Array(body.utf8), limits: limits, sourceLocation: sourceLocation)
    }

    func refusal(
        _ bytes: [UInt8], limits: LuaLimits = LuaLimits(), sourceLocation: SourceLocation = #_sourceLocation
    ) -> String {
        guard let error = expectLuaError(sourceLocation: sourceLocation, { _ = try decode(bytes, limits: limits) })
        else { return "" }
        #expect(error.kind == .invalidInput, "\(error)", sourceLocation: sourceLocation)
        return error.message
    }

    @Test("the document holds its root by local name; a leaf element is its text, exactly as written")
    func elementsAndLeaves() throws {
        #expect(try decode("<order><id>0042</id><note> two  spaces </note><empty/><also></also></order>") == [
            "order": ["id": "0042", "note": " two  spaces ", "empty": "", "also": ""],
        ])
        #expect(try decode("<id>820982911946154508123</id>") == ["id": "820982911946154508123"])
    }

    @Test("attributes are @name; an element with attributes is a table, its text under #text")
    func attributes() throws {
        #expect(try decode(#"<amount currency="EUR" exact='yes'>12.50</amount>"#) == [
            "amount": ["@currency": "EUR", "@exact": "yes", "#text": "12.50"],
        ])
        #expect(try decode(#"<flag on="1"/>"#) == ["flag": ["@on": "1"]])
    }

    @Test("two attributes with one local name in different namespaces keep their written names")
    func attributeNameClash() throws {
        let body = #"<e xmlns:a="urn:a" xmlns:b="urn:b" a:id="1" b:id="2" kind="k"/>"#
        #expect(try decode(body) == ["e": ["@a:id": "1", "@b:id": "2", "@kind": "k"]])
    }

    @Test("a repeated child name becomes a list in document order; a single one stays a value")
    func repeatedElements() throws {
        let body = "<list><item>a</item><other>x</other><item><n>2</n></item><item>c</item></list>"
        #expect(try decode(body) == ["list": ["item": ["a", ["n": "2"], "c"], "other": "x"]])
        #expect(try decode("<list><item>a</item></list>") == ["list": ["item": "a"]])
        #expect(try decode("<list><item><n>1</n></item><item><n>2</n></item></list>") == [
            "list": ["item": [["n": "1"], ["n": "2"]]],
        ])
    }

    @Test("mixed content: the element's own text, whitespace-only text between children left out")
    func text() throws {
        #expect(try decode("<p>Hello <b>big</b> world</p>") == ["p": ["b": "big", "#text": "Hello  world"]])
        #expect(try decode("<p>\n  <b>big</b>\n</p>") == ["p": ["b": "big"]])
    }

    @Test("namespaces: local names as keys, the URI as #namespace on an element's table; prefixes do not matter")
    func namespaces() throws {
        let body = """
            <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
              <soapenv:Body><n:note xmlns:n="urn:notes"><n:id>7</n:id></n:note></soapenv:Body>
            </soapenv:Envelope>
            """
        #expect(try decode(body) == [
            "Envelope": [
                "#namespace": "http://schemas.xmlsoap.org/soap/envelope/",
                "Body": [
                    "#namespace": "http://schemas.xmlsoap.org/soap/envelope/",
                    "note": ["#namespace": "urn:notes", "id": "7"],
                ],
            ],
        ])
        #expect(try decode(#"<a xmlns="urn:default"><b>1</b></a>"#) == ["a": ["#namespace": "urn:default", "b": "1"]])
    }

    @Test("CDATA is text; entities and character references are decoded in text and attributes; comments and PIs are skipped")
    func cdataAndEntities() throws {
        let body = #"<?xml version="1.0"?><!-- a note --><a t="x &amp; y &#38; &lt;z&gt; &#x1F600;"><?pi data?>"#
            + "one &amp; two<![CDATA[ <three> & ]]>&#233;</a>"
        #expect(try decode(body) == ["a": ["@t": "x & y & <z> 😀", "#text": "one & two <three> & é"]])
    }

    @Test("a document type declaration is refused before anything in it is read: no external entity (XXE)")
    func externalEntitiesRefused() {
        let body = """
            <?xml version="1.0"?>
            <!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <foo>&xxe;</foo>
            """
        let message = refusal(body)
        #expect(message.hasPrefix("hook.body: invalid XML at byte "))
        #expect(message.contains("(line 2)"))
        #expect(message.contains("a document type declaration (<!DOCTYPE ...>) is refused"))
        #expect(refusal(#"<!DOCTYPE a SYSTEM "http://127.0.0.1:9/x.dtd"><a/>"#).contains("document type declaration"))
    }

    @Test("an entity expansion bomb (billion laughs) is refused at its DOCTYPE, at once")
    func entityBombRefused() {
        var body = #"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">"#
        var previous = "lol"
        for level in 1...9 {
            body += "<!ENTITY lol\(level) \"" + String(repeating: "&\(previous);", count: 10) + "\">"
            previous = "lol\(level)"
        }
        body += "]><lolz>&lol9;</lolz>"
        let clock = ContinuousClock()
        var message = ""
        let elapsed = clock.measure { message = refusal(body) }
        #expect(message.contains("a document type declaration (<!DOCTYPE ...>) is refused"))
        #expect(elapsed < .seconds(1), "refused in \(elapsed)")
    }

    @Test("an entity no DTD declared is an error, not an empty string")
    func undeclaredEntity() {
        #expect(refusal("<a>&xxe;</a>").contains("Entity 'xxe' not defined"))
    }

    @Test("malformed XML names the byte and the line")
    func malformed() {
        #expect(refusal("<a>\n<b>\n</a>") == "hook.body: invalid XML at byte 12 (line 3): Opening and ending tag mismatch: b line 2 and a")
        #expect(refusal("<a/><b/>").contains("Extra content at the end of the document"))
        #expect(refusal("{\"json\": true}").hasPrefix("hook.body: invalid XML at byte 0 (line 1): "))
        #expect(refusal("  \n ") == "hook.body: invalid XML at byte 0 (line 1): empty document")
    }

    @Test("the text is read as UTF-8 whatever the declaration says; a byte order mark is skipped")
    func encoding() throws {
        #expect(try decode(#"<?xml version="1.0" encoding="ISO-8859-1"?><a>été</a>"#) == ["a": "été"])
        #expect(try decode([0xEF, 0xBB, 0xBF] + Array("<a>1</a>".utf8)) == ["a": "1"])
        let latin1 = Array(#"<?xml version="1.0" encoding="ISO-8859-1"?><a>"#.utf8) + [0xE9] + Array("</a>".utf8)
        #expect(refusal(latin1).contains("the text is not UTF-8"))
        #expect(refusal([0xFF, 0xFE, 0x3C, 0x00, 0x61, 0x00, 0x2F, 0x00, 0x3E, 0x00]).contains("invalid XML"))
    }

    @Test("more elements than limits.xml_elements are refused, naming the limit")
    func elementLimit() throws {
        var limits = LuaLimits()
        limits.xmlElements = 3
        #expect(try decode("<a><b/><c/></a>", limits: limits) == ["a": ["b": "", "c": ""]])
        #expect(refusal("<a><b/><c/><d/></a>", limits: limits).contains("more than 3 elements (limits.xml_elements)"))
    }

    @Test("nesting deeper than 256 elements is refused; 256 is decoded")
    func depthLimit() throws {
        let deep = { (levels: Int) in String(repeating: "<a>", count: levels) + String(repeating: "</a>", count: levels) }
        var rule = try RuleHarness("""
            return { handle = function(body)
              local levels = 0
              while type(body) == "table" do body, levels = body.a, levels + 1 end
              return levels
            end }
            """)
        // The document table and 255 element tables; the innermost element is a leaf, its text "".
        #expect(try rule.handle(.xml(Array(deep(256).utf8))).values == [256])
        #expect(refusal(deep(257)).contains("elements nested more than 256 deep"))
    }

    @Test("a start tag with more than 1,024 attributes is refused before libxml2 checks them pair by pair")
    func attributeLimit() throws {
        let tag = { (count: Int) in "<a " + (0..<count).map { #"x\#($0)="v>=\#($0)""# }.joined(separator: " ") + "/>" }
        if case .table(let document) = try decode(tag(1_024)), case .table(let element) = document["a"] {
            #expect(element.count == 1_024)
            #expect(element["@x7"] == "v>=7")
        } else {
            Issue.record("no element table")
        }
        let clock = ContinuousClock()
        var message = ""
        let elapsed = clock.measure { message = refusal(tag(100_000)) }
        #expect(message == "hook.body: invalid XML at byte 0: a start tag with more than 1024 attributes")
        #expect(elapsed < .seconds(1), "refused in \(elapsed)")
        #expect(try decode("<a><![CDATA[" + String(repeating: "=", count: 5_000) + "]]><!-- " + String(repeating: "=", count: 5_000) + " --></a>")
            == ["a": .string(String(repeating: "=", count: 5_000))])
    }

    @Test("a body whose tables outgrow the memory limit fails with memoryLimit")
    func memoryLimit() {
        var limits = LuaLimits()
        limits.memoryBytes = 4 << 20
        let body = "<a>" + String(repeating: "<item>" + String(repeating: "0123456789", count: 20) + "</item>", count: 50_000) + "</a>"
        let error = expectLuaError { _ = try decode(body, limits: limits) }
        #expect(error?.kind == .memoryLimit, "\(String(describing: error))")
    }

    @Test("xml.decode decodes text in a rule; its errors can be caught; xml.list is always a list")
    func sandboxFunctions() throws {
        var rule = try RuleHarness("""
            return { handle = function(text)
              local doc = xml.decode(text)
              local ok, message = pcall(xml.decode, "<a><b></a>")
              local items = xml.list(doc.r.item)
              return items[2].n, #xml.list(doc.r.one), #xml.list(doc.r.none), ok, message, pcall(xml.decode, 5)
            end }
            """)
        let run = try rule.handle(.value(.string("<r><item><n>1</n></item><item><n>2</n></item><one>x</one></r>")))
        #expect(run.values.count == 7)
        #expect(Array(run.values.prefix(4)) == ["2", 1, 0, false])
        #expect(run.values[4].stringValue?.contains("xml.decode: invalid XML at byte ") == true)
        #expect(run.values[6].stringValue?.contains("xml.decode expects a string, got number") == true)
    }
}

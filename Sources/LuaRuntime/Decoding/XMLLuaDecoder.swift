import CLibXML2
import CLua
import CLuaShim

/// Decodes an XML document straight onto a Lua stack as one table, through libxml2's SAX2 push parser: no tree, no
/// intermediate Swift values; element names, attribute values and text are pushed from libxml2's own buffers.
///
/// The mapping (documented for rule authors in docs/runtime.md, built by ``XMLTableBuilder``): the document is a
/// table holding its root element under the root's local name; an element with neither attributes nor child
/// elements is its text (a string, exactly as written, `""` when empty); any other element is a table of its child
/// elements by local name, its attributes as `["@name"]`, its own text as `["#text"]` (when not only whitespace)
/// and its namespace URI as `["#namespace"]`; a child name that repeats becomes a list in document order.
///
/// What the parser is allowed to do is decided here, for bodies anyone can send:
/// - a document type declaration (`<!DOCTYPE`) stops the parse: with no DTD there are no entity declarations, so
///   no external entity is ever loaded (XXE) and no entity can expand into another (entity expansion bombs); only
///   the five predefined entities and character references exist, and libxml2's substitution decodes them in text
///   and in attribute values alike (`XML_PARSE_NOENT` is safe because nothing else can be declared);
/// - no network access (`XML_PARSE_NONET`), no recovery from errors: the first error ends the parse, with its line;
/// - the document is read as UTF-8 whatever its declaration says (`XML_PARSE_IGNORE_ENC`), so bytes that are not
///   UTF-8 are refused instead of being transcoded by a guess, and the attribute count below is exact;
/// - libxml2's own limits without `XML_PARSE_HUGE` stay on (10 MB text nodes, 256 levels of nesting), elements are
///   counted against the run's `limits.xml_elements`, and memory and the deadline are checked as the tables grow.
struct XMLLuaDecoder {
    /// Deepest element nesting: libxml2's own limit without `XML_PARSE_HUGE`, checked here first so the message
    /// names it.
    static let maxDepth = 256
    /// Most attributes (namespace declarations included) one start tag may have. libxml2 2.9 checks a start tag's
    /// attributes for duplicates pair by pair, so its time grows with the square of their number (40,000 attributes
    /// on one element take seconds, inside one C call no deadline can interrupt); tags are checked before parsing.
    static let maxAttributesPerElement = 1_024

    /// Decodes one document from `bytes` and pushes it as one Lua table. On error the stack is as it was.
    static func push(
        _ bytes: UnsafeRawBufferPointer, onto state: OpaquePointer, maxElements: Int,
        memory: UnsafeMutablePointer<MemoryAccount>
    ) throws(BodyDecodingError) {
        var input = bytes
        if input.count >= 3, input[0] == 0xEF, input[1] == 0xBB, input[2] == 0xBF {
            input = UnsafeRawBufferPointer(rebasing: input[3...])  // a UTF-8 byte order mark, which libxml2 would refuse here
        }
        guard let base = input.baseAddress, input.contains(where: { !isXMLWhitespace($0) }) else {
            throw BodyDecodingError(.xml, offset: 0, reason: "empty document", line: 1)
        }
        guard input.count <= Int(Int32.max) else {
            throw BodyDecodingError(.xml, offset: 0, reason: "the document is larger than 2 GiB")
        }
        try checkAttributeCounts(input)
        guard lua_checkstack(state, 8) != 0 else {
            throw BodyDecodingError(.xml, offset: 0, reason: "the Lua stack is full")
        }
        _ = libxml2Initialized
        let top = lua_gettop(state)
        lua_createtable(state, 0, 1)
        var builder = XMLTableBuilder(state: state, memory: memory, maxElements: maxElements, maxDepth: maxDepth)
        let failure = withUnsafeMutablePointer(to: &builder) { builder -> BodyDecodingError? in
            var handler = XMLTableBuilder.saxHandler()
            // No bytes at creation: libxml2 would guess the encoding from them before the options below apply.
            guard let parser = xmlCreatePushParserCtxt(&handler, builder, nil, 0, nil) else {
                return BodyDecodingError(.xml, offset: 0, reason: "libxml2 could not create a parser")
            }
            defer {
                if let document = parser.pointee.myDoc { xmlFreeDoc(document) }
                xmlFreeParserCtxt(parser)
            }
            let options = XML_PARSE_NOENT.rawValue | XML_PARSE_NONET.rawValue | XML_PARSE_IGNORE_ENC.rawValue
            _ = xmlCtxtUseOptions(parser, Int32(bitPattern: options))
            _ = xmlSwitchEncoding(parser, XML_CHAR_ENCODING_UTF8)
            builder.pointee.parser = parser
            let result = xmlParseChunk(parser, base.assumingMemoryBound(to: CChar.self), Int32(input.count), 1)
            return builder.pointee.finish(parseResult: result)
        }
        if let failure {
            lua_settop(state, top)
            throw failure
        }
    }

    /// Refuses a start tag with more than ``maxAttributesPerElement`` attributes before libxml2 sees it. In UTF-8
    /// the bytes `<`, `=`, `"`, `'` and `>` are those characters and nothing else, and an attribute value cannot hold
    /// `<`: so the `=` outside quotes between a `<` that starts a tag and its `>` are at least as many as the tag's
    /// attributes (a comment, CDATA section, declaration or end tag is not counted).
    private static func checkAttributeCounts(_ input: UnsafeRawBufferPointer) throws(BodyDecodingError) {
        var inStartTag = false
        var quote: UInt8 = 0
        var equals = 0
        var tagStart = 0
        var index = 0
        let count = input.count
        while index < count {
            let byte = input[index]
            if byte == UInt8(ascii: "<") {
                let next = index + 1 < count ? input[index + 1] : 0
                inStartTag = next != UInt8(ascii: "/") && next != UInt8(ascii: "!") && next != UInt8(ascii: "?")
                quote = 0
                equals = 0
                tagStart = index
            } else if inStartTag {
                if quote != 0 {
                    if byte == quote { quote = 0 }
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                } else if byte == UInt8(ascii: "=") {
                    equals += 1
                    if equals > maxAttributesPerElement {
                        throw BodyDecodingError(
                            .xml, offset: tagStart,
                            reason: "a start tag with more than \(maxAttributesPerElement) attributes")
                    }
                } else if byte == UInt8(ascii: ">") {
                    inStartTag = false
                }
            }
            index += 1
        }
    }
}

/// libxml2's global setup, once per process before the first parse (it is thread-safe once initialised).
private let libxml2Initialized: Bool = {
    xmlInitParser()
    return true
}()

func isXMLWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
}

import CLibXML2
import CLua
import CLuaShim

/// Builds the Lua tables of an XML document from libxml2's SAX2 events (the mapping is described on
/// ``XMLLuaDecoder``). The stack holds the document table and one table per open element that has one; an element
/// gets its table only when it turns out to need one (its first attribute or child element), so a leaf never makes
/// a table it would throw away. The open elements' own text is kept in one buffer used as a stack: a child's text
/// follows its parent's and is cut off again when the child ends.
///
/// Only non-raising Lua calls are used (`lua_rawset`, `lua_rawseti`), while the memory account lets the host
/// allocate without failure; the limit and the deadline are checked as elements are added.
struct XMLTableBuilder {
    private struct OpenElement {
        var hasTable: Bool
        let textStart: Int
        let namespace: UnsafePointer<xmlChar>?
    }

    let state: OpaquePointer
    let memory: UnsafeMutablePointer<MemoryAccount>
    let maxElements: Int
    let maxDepth: Int
    var parser: xmlParserCtxtPtr?
    /// The document itself first (its table is pushed before the parse), then each open element.
    private var open = [OpenElement(hasTable: true, textStart: 0, namespace: nil)]
    private var text: [UInt8] = []
    private var key: [UInt8] = []
    private var elements = 0
    private(set) var failure: BodyDecodingError?

    static let budgetCheckInterval = 256

    init(state: OpaquePointer, memory: UnsafeMutablePointer<MemoryAccount>, maxElements: Int, maxDepth: Int) {
        self.state = state
        self.memory = memory
        self.maxElements = maxElements
        self.maxDepth = maxDepth
    }

    // MARK: Events

    mutating func startElement(
        localName: UnsafePointer<xmlChar>, namespace: UnsafePointer<xmlChar>?, attributeCount: Int,
        attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) {
        guard failure == nil else { return }
        elements += 1
        if elements > maxElements { return fail("more than \(maxElements) elements (limits.xml_elements)") }
        if open.count > maxDepth { return fail("elements nested more than \(maxDepth) deep") }
        if elements % Self.budgetCheckInterval == 0 || attributeCount >= 64 {
            guard withinBudget() else { return }
        }
        guard lua_checkstack(state, 6) != 0 else { return fail("the Lua stack is full") }
        if !open[open.count - 1].hasTable {
            lua_createtable(state, 0, 2)
            open[open.count - 1].hasTable = true
        }
        open.append(OpenElement(hasTable: attributeCount > 0, textStart: text.count, namespace: namespace))
        if attributeCount > 0, let attributes {
            lua_createtable(state, 0, Int32(attributeCount + 1))
            setAttributes(attributeCount, attributes)
        }
    }

    mutating func endElement(localName: UnsafePointer<xmlChar>) {
        guard failure == nil else { return }
        let element = open.removeLast()
        let ownText = element.textStart..<text.count
        if element.hasTable {
            if text[ownText].contains(where: { !isXMLWhitespace($0) }) {
                lua_pushstring(state, "#text")
                pushText(ownText)
                lua_rawset(state, -3)
            }
            if let namespace = element.namespace, namespace.pointee != 0 {
                lua_pushstring(state, "#namespace")
                pushName(namespace)
                lua_rawset(state, -3)
            }
        } else {
            pushText(ownText)
        }
        text.removeSubrange(ownText)
        addToParent(named: localName)
    }

    /// Text and CDATA alike: the element's own text, in document order. Text outside the root element can only be
    /// whitespace, and is not kept.
    mutating func characters(_ bytes: UnsafePointer<xmlChar>, count: Int) {
        guard failure == nil, open.count > 1 else { return }
        text.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
    }

    mutating func documentType() {
        fail(
            "a document type declaration (<!DOCTYPE ...>) is refused: it could declare entities, and a webhook body "
                + "needs none")
    }

    mutating func parserError(_ error: xmlErrorPtr) {
        guard failure == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        var message = error.pointee.message.map { String(cString: $0) } ?? "error \(error.pointee.code)"
        message = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        if message.hasPrefix("Input is not proper UTF-8") {
            message = "the text is not UTF-8 (XML bodies are read as UTF-8 whatever their declaration says); "
                + (message.firstRange(of: "Bytes:").map { String(message[$0.lowerBound...]) } ?? "")
        }
        failure = BodyDecodingError(.xml, offset: position, reason: message, line: Int(error.pointee.line))
        if let parser { xmlStopParser(parser) }
    }

    /// The outcome once libxml2 returned: a failure of ours or of the parser's, or the document table on the stack.
    mutating func finish(parseResult: Int32) -> BodyDecodingError? {
        if let failure { return failure }
        guard parseResult == 0, open.count == 1, let parser, parser.pointee.wellFormed != 0 else {
            return BodyDecodingError(.xml, offset: position, reason: "libxml2 stopped with error \(parseResult)", line: line)
        }
        guard withinBudget() else { return failure }
        return nil
    }

    // MARK: Tables

    /// Sets each attribute on the element's table (on top of the stack) as `@name`, or `@prefix:name` when another
    /// attribute of the element has the same local name (in another namespace). libxml2 gives 5 pointers per
    /// attribute: local name, prefix, URI, value start, value end; names come from its dictionary, so equal names are
    /// the same pointer.
    private mutating func setAttributes(_ count: Int, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>) {
        for index in 0..<count {
            guard let name = attributes[5 * index], let start = attributes[5 * index + 3],
                let end = attributes[5 * index + 4]
            else { continue }
            let shared = (0..<count).contains { $0 != index && attributes[5 * $0] == name }
            key.removeAll(keepingCapacity: true)
            key.append(UInt8(ascii: "@"))
            if shared, let prefix = attributes[5 * index + 1] {
                appendName(prefix)
                key.append(UInt8(ascii: ":"))
            }
            appendName(name)
            pushBytes(key, 0..<key.count)
            _ = lua_pushlstring(state, UnsafeRawPointer(start).assumingMemoryBound(to: CChar.self), end - start)
            lua_rawset(state, -3)
        }
    }

    /// Adds the value on top of the stack to the parent's table below it under `name`; a name already there becomes
    /// a list of its values in document order. An element's table never has the key 1 (XML names cannot start with
    /// a digit), so a table with one is a list made here.
    private mutating func addToParent(named name: UnsafePointer<xmlChar>) {
        pushName(name)
        lua_pushvalue(state, -1)
        let existing = lua_rawget(state, -4)  // parent, value, key, existing
        if existing == LUA_TNIL {
            hr_pop(state, 1)
            hr_insert(state, -2)
            lua_rawset(state, -3)
            return
        }
        if existing == LUA_TTABLE, lua_rawgeti(state, -1, 1) != LUA_TNIL {
            hr_pop(state, 1)  // parent, value, key, list
            lua_pushvalue(state, -3)
            lua_rawseti(state, -2, lua_Integer(lua_rawlen(state, -2)) + 1)
            hr_pop(state, 3)
            return
        }
        if existing == LUA_TTABLE { hr_pop(state, 1) }  // the nil read from the element table
        lua_createtable(state, 4, 0)  // parent, value, key, first, list
        hr_insert(state, -2)
        lua_rawseti(state, -2, 1)
        lua_pushvalue(state, -3)
        lua_rawseti(state, -2, 2)
        lua_rawset(state, -4)
        hr_pop(state, 1)
    }

    // MARK: Helpers

    private func pushText(_ range: Range<Int>) {
        pushBytes(text, range)
    }

    private func pushBytes(_ bytes: [UInt8], _ range: Range<Int>) {
        guard !range.isEmpty else {
            _ = lua_pushstring(state, "")
            return
        }
        bytes.withUnsafeBufferPointer { buffer in
            let start = UnsafeRawPointer(buffer.baseAddress.unsafelyUnwrapped + range.lowerBound)
            _ = lua_pushlstring(state, start.assumingMemoryBound(to: CChar.self), range.count)
        }
    }

    private func pushName(_ name: UnsafePointer<xmlChar>) {
        _ = lua_pushstring(state, UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))
    }

    private mutating func appendName(_ name: UnsafePointer<xmlChar>) {
        var cursor = name
        while cursor.pointee != 0 {
            key.append(cursor.pointee)
            cursor += 1
        }
    }

    private mutating func withinBudget() -> Bool {
        if memory.pointee.isOverLimit {
            fail("the decoded body needs more memory than the rule's limit (\(memory.pointee.limit) bytes)")
            return false
        }
        if memory.pointee.isPastDeadline {
            fail("the run's time limit passed while decoding")
            return false
        }
        return true
    }

    private mutating func fail(_ reason: String) {
        guard failure == nil else { return }
        failure = BodyDecodingError(.xml, offset: position, reason: reason, line: line)
        if let parser { xmlStopParser(parser) }
    }

    /// The byte offset libxml2 has reached in the document.
    private var position: Int {
        guard let parser else { return 0 }
        return max(0, xmlByteConsumed(parser))
    }

    private var line: Int? {
        guard let parser else { return nil }
        return Int(xmlSAX2GetLineNumber(parser))
    }
}

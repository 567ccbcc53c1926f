/// Checks a whole JSON document without building anything and records its ``JSONStructure``: the first half of lazy
/// decoding. A body is refused before its rule runs exactly when ``JSONLuaDecoder`` would refuse it, at the same byte
/// and with the same reason (the grammar, UTF-8, escape and depth checks are the decoder's, in the same order), so
/// decoding lazily changes when tables are built, never which bodies are accepted.
///
/// It runs several times faster than building the tables: strings (most of a webhook's bytes) are scanned eight
/// bytes at a time while they hold nothing but printable ASCII.
struct JSONValidator: JSONScanner {
    let start: UnsafePointer<UInt8>
    let end: UnsafePointer<UInt8>
    var cursor: UnsafePointer<UInt8>
    let maxDepth: Int
    var structure: JSONStructure

    /// Validates `bytes` and records where its containers are in `structure` (whose storage is reused); throws the
    /// decoder's error for an invalid document.
    static func validate(
        _ bytes: UnsafeRawBufferPointer, maxDepth: Int, into structure: inout JSONStructure
    ) throws(BodyDecodingError) {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw BodyDecodingError(.json, offset: 0, reason: "empty document")
        }
        let start = base.assumingMemoryBound(to: UInt8.self)
        structure.containers.removeAll(keepingCapacity: true)
        var validator = JSONValidator(
            start: start, end: start + bytes.count, cursor: start, maxDepth: maxDepth, structure: JSONStructure())
        // Swapped in and out rather than copied, so the storage stays uniquely referenced and is not reallocated.
        swap(&validator.structure, &structure)
        defer { swap(&validator.structure, &structure) }
        try validator.validateDocument()
    }

    private mutating func validateDocument() throws(BodyDecodingError) {
        if end - cursor >= 3, cursor[0] == 0xEF, cursor[1] == 0xBB, cursor[2] == 0xBF {
            cursor += 3
        }
        skipWhitespace()
        guard cursor < end else { throw failure("empty document") }
        try validateValue(depth: 0)
        skipWhitespace()
        guard cursor == end else { throw failure("unexpected data after the document") }
    }

    private mutating func validateValue(depth: Int) throws(BodyDecodingError) {
        guard cursor < end else { throw failure("unexpected end of input") }
        switch cursor.pointee {
        case UInt8(ascii: "{"): try validateContainer(depth: depth + 1, closedBy: UInt8(ascii: "}"))
        case UInt8(ascii: "["): try validateContainer(depth: depth + 1, closedBy: UInt8(ascii: "]"))
        case UInt8(ascii: "\""): try validateString()
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try validateNumber()
        default: throw failure("unexpected character \(describe(cursor.pointee))")
        }
    }

    private mutating func validateContainer(depth: Int, closedBy closing: UInt8) throws(BodyDecodingError) {
        guard depth <= maxDepth else { throw failure("maximum nesting depth \(maxDepth) exceeded") }
        let isObject = closing == UInt8(ascii: "}")
        let ordinal = structure.containers.count
        structure.containers.append(JSONStructure.Container(start: cursor - start, end: 0, count: 0, next: 0))
        cursor += 1
        skipWhitespace()
        var count = 0
        if cursor < end, cursor.pointee == closing {
            cursor += 1
        } else {
            while true {
                if isObject { try validateMember(depth: depth) } else { try validateValue(depth: depth) }
                count += 1
                guard try continues(closedBy: closing) else { break }
            }
        }
        structure.containers[ordinal].end = cursor - 1 - start
        structure.containers[ordinal].count = count
        structure.containers[ordinal].next = structure.containers.count
    }

    @inline(__always)
    private mutating func validateMember(depth: Int) throws(BodyDecodingError) {
        try expectMemberName()
        try validateString()
        try expectColon()
        try validateValue(depth: depth)
    }

    /// The decoder's number grammar, without computing the value.
    @inline(__always)
    private mutating func validateNumber() throws(BodyDecodingError) {
        if cursor.pointee == UInt8(ascii: "-") { cursor += 1 }
        guard cursor < end, isDigit(cursor.pointee) else { throw failure("expected a digit") }
        if cursor.pointee == UInt8(ascii: "0") {
            cursor += 1
            if cursor < end, isDigit(cursor.pointee) { throw failure("leading zeros are not allowed") }
        } else {
            skipDigits()
        }
        if cursor < end, cursor.pointee == UInt8(ascii: ".") {
            cursor += 1
            guard cursor < end, isDigit(cursor.pointee) else { throw failure("expected a digit after '.'") }
            skipDigits()
        }
        if cursor < end, cursor.pointee | 0x20 == UInt8(ascii: "e") {
            cursor += 1
            if cursor < end, cursor.pointee == UInt8(ascii: "+") || cursor.pointee == UInt8(ascii: "-") { cursor += 1 }
            guard cursor < end, isDigit(cursor.pointee) else { throw failure("expected a digit in the exponent") }
            skipDigits()
        }
    }

    private mutating func skipDigits() {
        while cursor < end, isDigit(cursor.pointee) { cursor += 1 }
    }
}

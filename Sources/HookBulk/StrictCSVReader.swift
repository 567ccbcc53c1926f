/// A strict RFC 4180 reader: quoted fields (with embedded commas, doubled quotes and line breaks), CRLF, LF or CR
/// line ends, a UTF-8 byte-order mark. Broken quoting is an error naming the line, never a guess.
///
/// Written here because no library available to the project refuses malformed quoting: CSV.swift keeps reading
/// an unterminated quoted field to the end of the file and drops the character after a stray closing quote, so
/// `"1001` followed by more rows became one id holding all of them; SwiftCSV loads the whole file into memory,
/// skips spaces around fields (an id must stay exact) and accepts an unterminated quote at the end.
///
/// A row whose quoting is broken is taken to be its first line: it is reported, and reading goes on at the next
/// line, so one stray quote costs one row rather than the rest of the file.
final class StrictCSVReader {
    /// One row as read: its fields, or why its quoting is broken.
    enum Row {
        case fields([String])
        case malformed(String)
    }

    /// Reading cannot go on: the bytes are not UTF-8, or the file cannot be read.
    struct Failure: Error {
        let line: Int
        let message: String
    }

    private let bytes: FileBytes
    /// The line the next row starts on, counting from 1.
    private(set) var line = 1

    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"),
        lf = UInt8(ascii: "\n")

    init(bytes: FileBytes) throws(Failure) {
        self.bytes = bytes
        do {
            if try bytes.peek() == 0xEF {
                let start = bytes.offset
                let mark = [try bytes.next(), try bytes.next(), try bytes.next()]
                if mark != [0xEF, 0xBB, 0xBF] { try bytes.seek(to: start) }
            }
        } catch {
            throw Failure(line: 1, message: "cannot read the file (\(error))")
        }
    }

    /// The next row and the line it starts on, or nil at the end of the file.
    func next() throws(Failure) -> (line: Int, row: Row)? {
        let start = line
        do {
            guard try bytes.peek() != nil else { return nil }
            var scan = RowScan()
            let row = try read(&scan)
            if case .malformed = row { try resume(after: scan) } else { line = scan.line }
            return (start, row)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(line: start, message: "cannot read the file (\(error))")
        }
    }

    /// Where a row's reading stands: its line breaks so far and where its second line starts.
    private struct RowScan {
        var line = 0
        var secondLine: UInt64?
    }

    private enum State {
        case fieldStart, unquoted, quoted, closingQuote
    }

    private func read(_ scan: inout RowScan) throws -> Row {
        scan.line = line
        var fields: [String] = []
        var field: [UInt8] = []
        var state = State.fieldStart
        func finishField() throws {
            guard let text = String(validating: field, as: UTF8.self) else {
                throw Failure(line: line, message: "the text is not UTF-8")
            }
            fields.append(text)
            field.removeAll(keepingCapacity: true)
        }
        while true {
            guard let byte = try bytes.next() else {
                if state == .quoted {
                    return .malformed("field \(fields.count + 1) opens a quote that is never closed")
                }
                try finishField()
                return .fields(fields)
            }
            if byte == Self.cr || byte == Self.lf {
                var lineBreak = [byte]
                if byte == Self.cr, try bytes.peek() == Self.lf { lineBreak.append(try bytes.next()!) }
                scan.line += 1
                if scan.secondLine == nil { scan.secondLine = bytes.offset }
                if state == .quoted {
                    field.append(contentsOf: lineBreak)  // kept exactly, CRLF as both bytes
                    continue
                }
                try finishField()
                return .fields(fields)
            }
            switch state {
            case .fieldStart:
                if byte == Self.quote {
                    state = .quoted
                } else if byte == Self.comma {
                    try finishField()
                } else {
                    field.append(byte)
                    state = .unquoted
                }
            case .unquoted:
                if byte == Self.comma {
                    try finishField()
                    state = .fieldStart
                } else if byte == Self.quote {
                    return .malformed(
                        "field \(fields.count + 1) has a quote inside an unquoted value (quote the whole field and double the quote)")
                } else {
                    field.append(byte)
                }
            case .quoted:
                if byte == Self.quote { state = .closingQuote } else { field.append(byte) }
            case .closingQuote:
                if byte == Self.quote {
                    field.append(byte)
                    state = .quoted
                } else if byte == Self.comma {
                    try finishField()
                    state = .fieldStart
                } else {
                    return .malformed("field \(fields.count + 1) has text after its closing quote")
                }
            }
        }
    }

    /// Goes on at the line after the malformed row's first line.
    private func resume(after scan: RowScan) throws {
        if let second = scan.secondLine {
            try bytes.seek(to: second)
        } else {
            while let byte = try bytes.next() {
                if byte == Self.cr || byte == Self.lf {
                    if byte == Self.cr, try bytes.peek() == Self.lf { _ = try bytes.next() }
                    break
                }
            }
        }
        line += 1
    }
}

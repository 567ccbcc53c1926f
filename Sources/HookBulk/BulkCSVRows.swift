import CSV
import Foundation

/// One data row of a bulk CSV file.
struct BulkCSVRecord {
    /// 1 for the first data row after the header; blank lines are not rows.
    let number: Int
    /// The line the row starts on, counting from 1 for the header.
    let line: Int
    let fields: [String]
}

/// Streams the data rows of an RFC 4180 file (quoted fields, embedded commas and line breaks, CRLF, a UTF-8 BOM)
/// through CSV.swift, one row in memory at a time, and works out the line each row starts on: CSV.swift reports
/// rows, not lines, and a quoted field may hold line breaks.
final class BulkCSVRows {
    let file: String
    let header: [String]
    private let reader: CSVReader
    private var nextLine: Int
    private var nextNumber = 1

    init(file: String) throws(BulkFileError) {
        self.file = file
        guard FileManager.default.isReadableFile(atPath: file), let stream = FileByteStream(path: file) else {
            throw BulkFileError(file: file, message: "cannot read the file")
        }
        do {
            reader = try CSVReader(stream: stream, hasHeaderRow: true)
        } catch {
            throw BulkFileError(file: file, message: "cannot read a header row (\(error))")
        }
        guard let header = reader.headerRow, reader.error == nil else {
            throw BulkFileError(file: file, message: "cannot read a header row" + Self.describe(reader.error))
        }
        self.header = header
        nextLine = 1 + Self.lineBreaks(in: header) + 1
    }

    /// The next data row, or nil at the end of the file.
    func next() throws(BulkRowProblem) -> BulkCSVRecord? {
        while true {
            let line = nextLine
            guard let fields = reader.next() else {
                if let error = reader.error {
                    throw BulkRowProblem(file: file, line: line, message: "cannot read on" + Self.describe(error))
                }
                return nil
            }
            if let error = reader.error {
                throw BulkRowProblem(file: file, line: line, message: "cannot read the row" + Self.describe(error))
            }
            nextLine += 1 + Self.lineBreaks(in: fields)
            if fields == [""] { continue }  // a blank line
            defer { nextNumber += 1 }
            return BulkCSVRecord(number: nextNumber, line: line, fields: fields)
        }
    }

    /// Line breaks inside quoted fields: CRLF counts once, as the reader consumed it as one.
    private static func lineBreaks(in fields: [String]) -> Int {
        fields.reduce(0) { count, field in
            count + field.unicodeScalars.reduce(into: (count: 0, afterCR: false)) { state, scalar in
                switch scalar {
                case "\r": state = (state.count + 1, true)
                case "\n": state = (state.afterCR ? state.count : state.count + 1, false)
                default: state.afterCR = false
                }
            }.count
        }
    }

    private static func describe(_ error: (any Error)?) -> String {
        switch error {
        case nil: ""
        case CSVError.unicodeDecoding?: ": the text is not UTF-8"
        case let error?: ": \(error)"
        }
    }
}

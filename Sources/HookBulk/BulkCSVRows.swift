import Foundation

/// One data row of a bulk CSV file.
struct BulkCSVRecord {
    /// 1 for the first data row after the header; blank lines are not rows.
    let number: Int
    /// The line the row starts on, counting from 1 for the header.
    let line: Int
    /// The row's fields, or why its quoting is broken (see ``StrictCSVReader``).
    let content: StrictCSVReader.Row
}

/// Streams the data rows of an RFC 4180 file, one row in memory at a time, after its header row. Header names
/// must be unique (ignoring case and surrounding spaces), so no column is silently shadowed by another.
final class BulkCSVRows {
    let file: String
    let header: [String]
    private let reader: StrictCSVReader
    private var nextNumber = 1

    init(file: String) throws(BulkFileError) {
        self.file = file
        guard FileManager.default.isReadableFile(atPath: file), let bytes = FileBytes(path: file) else {
            throw BulkFileError(file: file, message: "cannot read the file")
        }
        do {
            reader = try StrictCSVReader(bytes: bytes)
            switch try reader.next()?.row {
            case nil:
                throw BulkFileError(file: file, message: "cannot read a header row: the file is empty")
            case .malformed(let reason)?:
                throw BulkFileError(file: file, message: "line 1: the header row's \(reason)")
            case .fields(let names)?:
                header = names
            }
        } catch let failure as StrictCSVReader.Failure {
            throw BulkFileError(file: file, message: "line \(failure.line): \(failure.message)")
        } catch let error as BulkFileError {
            throw error
        } catch {
            throw BulkFileError(file: file, message: "cannot read a header row (\(error))")
        }
        try checkUniqueNames()
    }

    /// The next data row, or nil at the end of the file. Throws when reading cannot go on (bytes that are not
    /// UTF-8, a read error): nothing after that point can be trusted.
    func next() throws(BulkRowProblem) -> BulkCSVRecord? {
        while true {
            let read: (line: Int, row: StrictCSVReader.Row)?
            do {
                read = try reader.next()
            } catch {
                throw BulkRowProblem(file: file, line: error.line, message: error.message)
            }
            guard let read else { return nil }
            if case .fields(let fields) = read.row, fields == [""] { continue }  // a blank line
            defer { nextNumber += 1 }
            return BulkCSVRecord(number: nextNumber, line: read.line, content: read.row)
        }
    }

    private func checkUniqueNames() throws(BulkFileError) {
        var firstColumn: [String: Int] = [:]
        for (index, name) in header.enumerated() {
            let key = name.trimmingCharacters(in: .whitespaces).lowercased()
            guard !key.isEmpty else { continue }  // an unnamed column is never looked up
            if let first = firstColumn[key] {
                throw BulkFileError(
                    file: file,
                    message: "line 1: columns \(first + 1) and \(index + 1) are both named \"\(key)\"; every column needs its own name")
            }
            firstColumn[key] = index
        }
    }
}

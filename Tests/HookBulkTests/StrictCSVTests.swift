import Foundation
import HookBulk
import Testing

@Suite("Bulk CSV: broken quoting and duplicate header names are errors with their line")
struct StrictCSVTests {
    static func validate(_ text: String) throws -> (file: String, validation: BulkValidation) {
        let file = try Scratch.write(text)
        return (file, try BulkImport(file: file, settings: BulkImportTests.settings()).validate())
    }

    static func ids(_ file: String) throws -> [String] {
        var found: [String] = []
        try BulkImport(file: file, settings: BulkImportTests.settings()).forEachRequest {
            found.append("\($0.externalId)@\($0.hookId ?? "")")
        }
        return found
    }

    @Test("an unterminated quote is the row of its line, not the rest of the file merged into one id")
    func unterminatedQuote() throws {
        let (file, validation) = try Self.validate("id\n\"1001\n1002\n1003\n")
        #expect(validation.problems == [
            BulkRowProblem(file: file, line: 2, message: "field 1 opens a quote that is never closed")
        ])
        #expect(validation.rows == 3 && validation.validRows == 2)
        #expect(try Self.ids(file) == ["1002@\(file):3", "1003@\(file):4"])
    }

    @Test("an unterminated quote on the last line, without a final line break")
    func unterminatedQuoteAtTheEnd() throws {
        let (file, validation) = try Self.validate("id\n1001\n\"1002")
        #expect(validation.problems == [
            BulkRowProblem(file: file, line: 3, message: "field 1 opens a quote that is never closed")
        ])
        #expect(try Self.ids(file) == ["1001@\(file):2"])
    }

    @Test("text after a closing quote fails its row; the next line is read on its own")
    func textAfterClosingQuote() throws {
        let (file, validation) = try Self.validate("id,scope\n\"1001\"x,product/updated\n1002,product/updated\n")
        #expect(validation.problems == [
            BulkRowProblem(file: file, line: 2, message: "field 1 has text after its closing quote")
        ])
        #expect(try Self.ids(file) == ["1002@\(file):3"])
    }

    @Test("text after a quote closed on a later line fails the row at the line it starts on")
    func textAfterMultilineQuote() throws {
        let (file, validation) = try Self.validate("id,note\n1,\"a\nb\"c\n2,ok\n")
        // Row 1 starts on line 2 and breaks on line 3; line 3 read alone has a stray quote; line 4 is fine.
        #expect(validation.problems == [
            BulkRowProblem(file: file, line: 2, message: "field 2 has text after its closing quote"),
            BulkRowProblem(
                file: file, line: 3,
                message: "field 1 has a quote inside an unquoted value (quote the whole field and double the quote)"),
        ])
        #expect(try Self.ids(file) == ["2@\(file):4"])
    }

    @Test("a quote inside an unquoted value is refused, not kept as part of the id")
    func quoteInUnquotedField() throws {
        let (file, validation) = try Self.validate("id\n10\"01\n1002\n")
        #expect(validation.problems.map(\.line) == [2] && validation.validRows == 1)
        #expect(validation.problems.first?.message.contains("quote inside an unquoted value") == true)
        _ = file
    }

    @Test("valid quoting still reads exactly: doubled quotes, commas, CRLF kept inside a quoted field")
    func validQuoting() throws {
        let file = try Scratch.write("id,note\r\n\"10,01\",\"say \"\"hi\"\"\"\r\n\"1002\",\"a\r\nb\"\r\n")
        #expect(try Self.ids(file) == ["10,01@\(file):2", "1002@\(file):3"])
        let validation = try BulkImport(file: file, settings: BulkImportTests.settings()).validate()
        #expect(validation.problems.isEmpty && validation.rows == 2)
    }

    @Test("duplicate header names fail the file at line 1, whatever their case or spaces")
    func duplicateHeaderNames() throws {
        let file = try Scratch.write("id,scope, ID \n1,product/updated,2\n")
        #expect(throws: BulkFileError(
            file: file, message: "line 1: columns 1 and 3 are both named \"id\"; every column needs its own name")
        ) {
            try BulkImport(file: file, settings: BulkImportTests.settings()).validate()
        }
        let scopes = try Scratch.write("id,scope,Scope\n1,product/updated,customer/created\n")
        #expect(throws: BulkFileError.self) {
            try BulkImport(file: scopes, settings: BulkImportTests.settings()).validate()
        }
        // Unnamed columns (a trailing comma) are never looked up, so two of them are no conflict.
        let unnamed = try Scratch.write("id,,\n1,,\n")
        #expect(try BulkImport(file: unnamed, settings: BulkImportTests.settings()).validate().validRows == 1)
    }

    @Test("a header row with broken quoting fails the file")
    func malformedHeader() throws {
        let file = try Scratch.write("\"id\"x\n1\n")
        #expect(throws: BulkFileError(file: file, message: "line 1: the header row's field 1 has text after its closing quote")) {
            try BulkImport(file: file, settings: BulkImportTests.settings()).validate()
        }
    }
}

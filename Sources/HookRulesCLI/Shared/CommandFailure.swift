import ArgumentParser
import Foundation

/// Why a command ends unsuccessfully: the lines to print on stderr (each already naming its file and line where it
/// has one) and the exit status. Commands throw it; ``HookRulesCommand/main()`` prints it, in one place.
struct CommandFailure: Error {
    /// 1: the work failed (a capture, a case, a row, the queue).
    static let failureStatus: Int32 = 1
    /// 64 (EX_USAGE): what was asked for does not exist or cannot be done as asked.
    static let usageStatus: Int32 = 64

    var lines: [String]
    var status: Int32

    init(_ lines: [String], status: Int32 = failureStatus) {
        self.lines = lines
        self.status = status
    }

    init(_ line: String, status: Int32 = failureStatus) {
        self.init([line], status: status)
    }

    /// A usage error: an unknown subscription, a scope outside the catalog.
    static func usage(_ line: String) -> CommandFailure {
        CommandFailure(line, status: usageStatus)
    }

    /// Problems found in files, each printed, then how many.
    static func problems(_ problems: [some CustomStringConvertible]) -> CommandFailure {
        CommandFailure(problems.map(\.description) + ["\(problems.count) problem(s)"])
    }
}

/// Prints a message for people on stderr, prefixed with the command's name.
func printError(_ message: String) {
    FileHandle.standardError.write(Data("hookrules: \(message)\n".utf8))
}

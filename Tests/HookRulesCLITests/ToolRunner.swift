import Foundation

/// Runs a command-line tool the tests need (`psql`, the test-cluster script) to its end.
enum ToolRunner {
    /// The tool's stdout; a non-zero exit is an error carrying its stderr.
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ToolError(message: "\((executable as NSString).lastPathComponent) \(arguments.first ?? ""): \(errorText)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Runs one statement through `psql` (the PostgreSQL client the test cluster's package brings) on the database of
    /// `url`; returns the rows, columns joined by `|`.
    static func psql(_ url: String, _ sql: String) throws -> [String] {
        let output = try run("/usr/bin/psql", [url, "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", sql])
        return output.split(separator: "\n").map(String.init)
    }

    struct ToolError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}

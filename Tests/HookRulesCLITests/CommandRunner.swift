import Foundation

/// Runs the `hookrules` executable that `swift test` built next to the test bundle.
struct CommandRunner {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("hookrules")
    }

    static func run(_ arguments: [String], in folder: URL = repository) throws -> Output {
        // Output goes to files, not pipes: a child writing more than a pipe holds could never finish.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hookrules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let stdoutURL = scratch.appendingPathComponent("stdout"), stderrURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)

        let process = try start(
            arguments, in: folder, stdout: try FileHandle(forWritingTo: stdoutURL),
            stderr: try FileHandle(forWritingTo: stderrURL))
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: stdoutURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: stderrURL), as: UTF8.self))
    }

    /// Starts the executable and returns at once; output goes where the caller says (nowhere by default).
    static func start(
        _ arguments: [String], in folder: URL = repository, stdout: FileHandle = .nullDevice,
        stderr: FileHandle = .nullDevice
    ) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        return process
    }
}

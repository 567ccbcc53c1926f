import Foundation

/// A `hookrules` process started in the background, its stderr kept in a file the test reads while it runs.
final class RunningCommand {
    let process: Process
    private let stderrURL: URL

    init(_ arguments: [String], logIn folder: TemporaryFolder) throws {
        stderrURL = folder.url.appendingPathComponent("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process = try CommandRunner.start(arguments, stderr: try FileHandle(forWritingTo: stderrURL))
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// What it printed on stderr so far.
    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// Waits for the process to end, at most `timeout` (then kills it); returns its status and how long it took.
    func waitForExit(timeout: Duration) async throws -> (status: Int32, took: Duration) {
        let started = ContinuousClock.now
        while process.isRunning {
            if started.duration(to: .now) > timeout {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return (-1, started.duration(to: .now))
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return (process.terminationStatus, started.duration(to: .now))
    }
}

/// Polls `condition` every 20 ms until it holds; false when `timeout` passed first.
func eventually(within timeout: Duration, _ condition: () throws -> Bool) async throws -> Bool {
    let started = ContinuousClock.now
    while try !condition() {
        guard started.duration(to: .now) < timeout else { return false }
        try await Task.sleep(for: .milliseconds(20))
    }
    return true
}

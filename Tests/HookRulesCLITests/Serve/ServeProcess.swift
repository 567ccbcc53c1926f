import Foundation

/// A `hookrules serve` process on a free loopback port (`--port 0`), its log in a file of its own: started, waited
/// for until it serves, then stopped by a signal as an operator or a crash would stop it.
final class ServeProcess {
    let process: Process
    let log: URL

    /// Starts `hookrules serve --host 127.0.0.1 --port 0` with `arguments` after it, in `folder`. `environment`
    /// is added to the test's own (a value of nil removes the variable).
    init(_ arguments: [String], in folder: URL = CommandRunner.repository, environment: [String: String?] = [:]) throws {
        log = FileManager.default.temporaryDirectory.appendingPathComponent("hookrules-serve-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process = Process()
        process.executableURL = CommandRunner.executable
        process.arguments = ["serve", "--host", "127.0.0.1", "--port", "0"] + arguments
        process.currentDirectoryURL = folder
        var merged = ProcessInfo.processInfo.environment
        for (name, value) in environment { merged[name] = value }
        process.environment = merged
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: log)
    }

    var processIdentifier: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// What the process has logged so far.
    var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// The port it serves on, once its "serving" line is logged; nil while it starts.
    var servingPort: Int? {
        guard let range = logText.range(of: #"url=http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) else {
            return nil
        }
        return Int(logText[range].split(separator: ":").last ?? "")
    }

    /// Waits until the server logs the port it serves on.
    /// - Throws: when it exits first or does not serve within `timeout`, with its log.
    func waitUntilServing(timeout: Duration = .seconds(60)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let port = servingPort { return port }
            guard process.isRunning else {
                throw ServeProcessError("serve exited with \(process.terminationStatus) before serving:\n\(logText)")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw ServeProcessError("serve did not serve within \(timeout):\n\(logText)")
    }

    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the process to exit, at most `timeout`; returns its status, or nil when it is still running.
    func waitForExit(timeout: Duration) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else { return nil }
            try await Task.sleep(for: .milliseconds(5))
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// SIGKILL, and waits until it is gone.
    func crash() {
        signal(SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, and the exit status once it stopped (nil when it did not within `timeout`; it is killed then).
    @discardableResult
    func stop(timeout: Duration = .seconds(30)) async throws -> Int32? {
        signal(SIGTERM)
        guard let status = try await waitForExit(timeout: timeout) else {
            crash()
            return nil
        }
        return status
    }
}

struct ServeProcessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

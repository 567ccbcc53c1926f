import AsyncHTTPClient
import Foundation
import NIOCore

/// The built `hookrules serve` in a process of its own, exactly as an operator runs it (its default settings, its
/// log at `info`: one line per hook, here into a file), on a free loopback port.
final class ServeProcess {
    let name: String
    let url: String
    let logPath: String
    private let process: Process
    private let client: HTTPClient

    /// Starts `executable serve` on `queue` and returns once `/readyz` answers 200.
    static func start(
        name: String, executable: String, rules: String, queue: String, logPath: String, client: HTTPClient
    ) async throws -> ServeProcess {
        guard FileManager.default.createFile(atPath: logPath, contents: nil), let log = FileHandle(forWritingAtPath: logPath)
        else { throw BenchmarkFailure("cannot write \(logPath)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["serve", "--rules", rules, "--queue", queue, "--host", "127.0.0.1", "--port", "0"]
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let port = try await waitForPort(of: process, logPath: logPath)
        let server = ServeProcess(
            name: name, url: "http://127.0.0.1:\(port)", logPath: logPath, process: process, client: client)
        try await server.waitUntilReady()
        return server
    }

    private init(name: String, url: String, logPath: String, process: Process, client: HTTPClient) {
        self.name = name
        self.url = url
        self.logPath = logPath
        self.process = process
        self.client = client
    }

    var pid: Int32 { process.processIdentifier }

    /// The port from the `serving` line of the log (`url=http://127.0.0.1:PORT`).
    private static func waitForPort(of process: Process, logPath: String) async throws -> Int {
        for _ in 0..<1200 {
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if let range = log.range(of: #"url=http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression),
                let port = Int(log[range].split(separator: ":").last ?? "")
            {
                return port
            }
            guard process.isRunning else {
                throw BenchmarkFailure("hookrules serve exited with status \(process.terminationStatus):\n\(log)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        throw BenchmarkFailure("hookrules serve did not start within 60 s; its log is \(logPath)")
    }

    private func waitUntilReady() async throws {
        for _ in 0..<200 {
            if let (status, _) = try? await get("/readyz"), status == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BenchmarkFailure("\(url)/readyz never answered 200; the log is \(logPath)")
    }

    func metrics() async throws -> ServeMetrics {
        let (status, body) = try await get("/metrics")
        guard status == 200 else { throw BenchmarkFailure("\(url)/metrics answered \(status)") }
        return ServeMetrics(text: body)
    }

    private func get(_ path: String) async throws -> (Int, String) {
        let response = try await client.execute(HTTPClientRequest(url: url + path), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), String(buffer: body))
    }

    func cpuSeconds() throws -> Double { try ProcessCPU.seconds(pid: pid) }

    /// Stops it as an operator does (SIGTERM: in-flight hooks finish and commit) and checks that it exited cleanly.
    func stop() async throws {
        process.terminate()
        for _ in 0..<600 where process.isRunning {
            try await Task.sleep(for: .milliseconds(50))
        }
        guard !process.isRunning else {
            kill(pid, SIGKILL)
            throw BenchmarkFailure("\(name): hookrules serve did not stop within 30 s of SIGTERM; its log is \(logPath)")
        }
        guard process.terminationStatus == 0 else {
            throw BenchmarkFailure("\(name): hookrules serve exited with status \(process.terminationStatus); its log is \(logPath)")
        }
    }

    /// The log's lines at warning level or above (a clean run has none).
    func problems() -> [Substring] {
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return log.split(separator: "\n").filter { line in
            [" warning ", " error ", " critical "].contains { line.contains($0) }
        }
    }
}

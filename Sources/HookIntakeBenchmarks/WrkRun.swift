import Foundation

/// One run of Debian's `wrk` against a URL with bench/intake/post.lua, and what it reported: requests per second,
/// latency percentiles, answers with a status of 400 or more (wrk counts no other status) and socket errors, with
/// the CPU time wrk itself used.
struct WrkRun {
    struct Settings {
        let script: String
        let seconds: Int
        let connections: Int
        let threads: Int
    }

    let requestsPerSecond: Double
    /// Latency percentiles in milliseconds.
    let p50: Double
    let p99: Double
    let requests: Int
    let non2xx: Int
    let socketErrors: Int
    /// wrk's own CPU time (user + system), seconds.
    let clientCPU: Double

    static func run(url: String, requestsFile: String, settings: Settings) throws -> WrkRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "wrk", "-t", "\(settings.threads)", "-c", "\(settings.connections)", "-d", "\(settings.seconds)s",
            "--latency", "--timeout", "10s", "-s", settings.script, url,
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["HOOKRULES_BENCH_REQUESTS"] = requestsFile
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let cpuBefore = ChildrenCPU.seconds()
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else { throw BenchmarkFailure("wrk failed:\n\(text)") }
        return try parse(text, clientCPU: ChildrenCPU.seconds() - cpuBefore)
    }

    /// Reads wrk's report: `Requests/sec: 1234.5`, the `Latency Distribution` lines (`50%  1.23ms`), the
    /// `N requests in ...` line, `Non-2xx or 3xx responses: N` and `Socket errors: connect N, read N, ...`.
    static func parse(_ text: String, clientCPU: Double) throws -> WrkRun {
        var rate: Double?
        var percentiles: [String: Double] = [:]
        var requests = 0
        var non2xx = 0
        var socketErrors = 0
        for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if line.hasPrefix("Requests/sec:"), let value = fields.last.flatMap({ Double($0) }) {
                rate = value
            } else if fields.count == 2, fields[0].hasSuffix("%"), let value = milliseconds(String(fields[1])) {
                percentiles[String(fields[0])] = value
            } else if fields.count > 2, fields[1] == "requests", fields[2] == "in", let value = Int(fields[0]) {
                requests = value
            } else if line.hasPrefix("Non-2xx or 3xx responses:"), let value = fields.last.flatMap({ Int($0) }) {
                non2xx = value
            } else if line.hasPrefix("Socket errors:") {
                socketErrors = fields.compactMap { Int($0.trimmingCharacters(in: CharacterSet(charactersIn: ","))) }
                    .reduce(0, +)
            }
        }
        guard let rate, let p50 = percentiles["50%"], let p99 = percentiles["99%"] else {
            throw BenchmarkFailure("cannot read wrk's report:\n\(text)")
        }
        return WrkRun(
            requestsPerSecond: rate, p50: p50, p99: p99, requests: requests, non2xx: non2xx,
            socketErrors: socketErrors, clientCPU: clientCPU)
    }

    /// `812.00us`, `1.23ms`, `2.01s`, `1.50m` → milliseconds.
    static func milliseconds(_ text: String) -> Double? {
        for (suffix, factor) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0), ("m", 60_000.0)] where text.hasSuffix(suffix) {
            return Double(text.dropLast(suffix.count)).map { $0 * factor }
        }
        return nil
    }
}

struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

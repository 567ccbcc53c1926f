import Foundation

/// The reference side: plain `lua5.4` with Debian's lua-cjson, run as a child process on the same files.
enum ReferenceRun {
    static let script = "bench/reference/decode.lua"

    static func decode(files: [String], seconds: Double) throws -> [String: Measurement] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["lua5.4", script, String(seconds)] + files
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchmarkFailure("the reference (lua5.4 \(script)) failed with status \(process.terminationStatus)")
        }
        var results: [String: Measurement] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 4, fields[0] != "TOTAL" else { continue }
            guard let bytes = Int(fields[1]), let iterations = Int(fields[2]), let time = Double(fields[3]) else {
                throw BenchmarkFailure("unreadable reference line: \(line)")
            }
            results[fields[0]] = Measurement(path: fields[0], bytes: bytes, iterations: iterations, seconds: time)
        }
        return results
    }
}

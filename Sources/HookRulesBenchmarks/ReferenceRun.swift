import Foundation
import HookCapture
import HookModel
import HookRules

/// The reference side: plain `lua5.4` with Debian's lua-cjson, run as a child process on the same files.
enum ReferenceRun {
    static let script = "bench/reference/decode.lua"

    static func decode(files: [String], seconds: Double) throws -> [String: Measurement] {
        let data = try runLua([script, String(seconds)] + files)
        var results: [String: Measurement] = [:]
        for line in data.split(separator: "\n") {
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

extension ReferenceRun {
    static let rulesScript = "bench/reference/rules.lua"

    struct RuleResult {
        let rates: Rates
        /// Capture number (1-based) → "scope\tid" per request, from the verification pass.
        let requests: [Int: [String]]
    }

    /// Runs the plain-Lua rule reference on the same captures: writes the rule API source and a manifest to a
    /// scratch folder, then reads back the requests of one pass and the timed totals.
    static func rules(captures: [RuleRunComparison.Capture], seconds: Double) throws -> RuleResult {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hookrules-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let dsl = scratch.appendingPathComponent("hookrules_api.lua")
        try Data(RuleBook.languageSource.utf8).write(to: dsl)
        let manifest = scratch.appendingPathComponent("manifest.lua")
        try Data(LuaManifest(captures: captures).source.utf8).write(to: manifest)

        let output = try runLua([rulesScript, String(seconds), dsl.path, manifest.path])
        var requests: [Int: [String]] = [:]
        var rates: Rates?
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            if fields.first == "REQ", fields.count == 4, let index = Int(fields[1]) {
                requests[index, default: []].append("\(fields[2])\t\(fields[3])")
            } else if fields.first == "TOTAL", fields.count == 4, let hooks = Int(fields[1]), let records = Int(fields[2]),
                let time = Double(fields[3])
            {
                rates = Rates(hooks: hooks, records: records, seconds: time)
            }
        }
        guard let rates else { throw BenchmarkFailure("the reference printed no TOTAL line") }
        return RuleResult(rates: rates, requests: requests)
    }

    static func runLua(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["lua5.4"] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchmarkFailure("the reference (lua5.4 \(arguments[0])) failed with status \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

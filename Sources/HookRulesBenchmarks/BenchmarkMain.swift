import Foundation
import LuaRuntime

/// `hookrules-bench`: HookRules beside plain `lua5.4` + Debian's lua-cjson, in the same run on the same bytes: JSON
/// bodies into Lua tables (bench/reference/decode.lua), XML bodies beside JSON of the same values, the bundled captures through the bundled rules and generated
/// bodies through bench/rules (bench/reference/rules.lua), then memory per Lua state and RSS over many hooks. Exits
/// non-zero only if a run fails or the two sides disagree on the requests, never because of a figure.
@main
struct BenchmarkMain {
    static func main() async {
        do {
            try await runAll()
        } catch {
            FileHandle.standardError.write(Data("hookrules-bench: \(error)\n".utf8))
            exit(1)
        }
    }

    static func runAll() async throws {
        let options = try BenchmarkOptions(arguments: Array(CommandLine.arguments.dropFirst()))
        func runs(_ part: String) -> Bool { options.only == nil || options.only == part }
        if runs("json") {
            let files = try sampleFiles(in: options.samples)
            guard !files.isEmpty else { throw BenchmarkFailure("no samples under \(options.samples)") }
            print("JSON body → Lua tables, \(files.count) samples, \(options.seconds) s per sample and side")
            let ours = try files.map { try measureHookRules(file: $0, seconds: options.seconds, lazily: false) }
            let lazy = try files.map { try measureHookRules(file: $0, seconds: options.seconds, lazily: true) }
            let reference = try ReferenceRun.decode(files: files.map(\.path), seconds: options.seconds)
            try JSONDecodeReport(ours: ours, lazy: lazy, reference: reference).print()
        }
        if runs("xml") {
            try XMLDecodeBenchmark(samples: options.samples, seconds: options.seconds).run()
        }
        if runs("rules") {
            try await RulePathBenchmark(rules: options.rules, samples: options.samples, seconds: options.seconds).run()
        }
        if runs("readers") {
            try ResultReadersBenchmark(rules: options.rules, samples: options.samples, seconds: options.seconds).run()
        }
        if runs("generated") {
            try await GeneratedBodiesBenchmark(rules: options.benchRules, seconds: options.seconds).run()
        }
        if runs("memory") {
            try await MemoryBenchmark(rules: options.rules, samples: options.samples, hooks: options.memoryHooks).run()
        }
    }

    static func sampleFiles(in folder: String, suffix: String = ".json") throws -> [SampleFile] {
        let names = FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String } ?? []
        return try names.filter { $0.hasSuffix(suffix) }.sorted().map { name in
            let path = (folder as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw BenchmarkFailure("cannot read \(path)")
            }
            return SampleFile(path: path, bytes: Array(data))
        }
    }

    /// Eagerly: the whole body built as Lua tables. Lazily: validated whole and its outermost level built, as a
    /// hook's body arrives before the rule touches it.
    static func measureHookRules(file: SampleFile, seconds: Double, lazily: Bool) throws -> Measurement {
        var state = try LuaState()
        let input = lazily ? LuaInput.lazyJSON(file.bytes) : LuaInput.json(file.bytes)
        for _ in 0..<200 { try state.materialize(input) }  // warm-up
        let started = ProcessCPUClock.seconds()
        var iterations = 0
        while ProcessCPUClock.seconds() - started < seconds {
            for _ in 0..<100 { try state.materialize(input) }
            iterations += 100
        }
        return Measurement(path: file.path, bytes: file.bytes.count, iterations: iterations, seconds: ProcessCPUClock.seconds() - started)
    }
}

struct SampleFile {
    let path: String
    let bytes: [UInt8]
}

struct Measurement {
    let path: String
    let bytes: Int
    let iterations: Int
    let seconds: Double

    var megabytesPerSecond: Double { Double(bytes * iterations) / seconds / 1_000_000 }
}

struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

import AsyncHTTPClient
import Foundation
import HookRulesConfig

/// `hookrules-intake-bench`: Debian's `wrk` posting the bundled captures, signed as their providers sign, to the
/// built `hookrules serve` (SQLite with its durable commits; PostgreSQL with `--postgres`) and to a bare Hummingbird
/// endpoint that only reads the bodies, with the same connections and duration, the sides taking turns in every
/// round. Exits non-zero if a run fails or does not measure what it should (a refused, repeated or failed answer),
/// never because of a figure.
@main
struct IntakeBenchmarkMain {
    static func main() async {
        do {
            try await run()
        } catch {
            // The report goes first (fflush(nil) flushes every stream): the reason follows what it is about.
            fflush(nil)
            FileHandle.standardError.write(Data("hookrules-intake-bench: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run() async throws {
        let options = try IntakeBenchmarkOptions(arguments: Array(CommandLine.arguments.dropFirst()))
        guard FileManager.default.isExecutableFile(atPath: options.hookrules) else {
            throw BenchmarkFailure("no hookrules at \(options.hookrules): build it (swift build -c release --product hookrules) or give --hookrules")
        }
        let environment = ProcessInfo.processInfo.environment
        let rules = try RuleFolder.load(folder: options.rules)
        let mix = try await CaptureMix(rules: rules, samples: options.samples, environment: environment)
        let folder = options.folder.appendingPathComponent("hookrules-intake-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let wrk = WrkRun.Settings(
            script: options.script, seconds: options.seconds, connections: options.connections, threads: options.threads)
        let variants = Int((Double(options.maxRate * options.seconds) / Double(mix.templates.count)).rounded(.up))
            + options.threads

        print("""
            intake: wrk \(options.threads) thread(s), \(options.connections) connections, \(options.seconds) s per run, \
            \(options.rounds) rounds (sides take turns; medians), after a warm-up run per side
            \(mix.summary)
            \(mix.failing.isEmpty ? "" : "captures whose rule fails (kept as failed hooks, still 202): \(mix.failing.joined(separator: ", "))\n")\
            serve: \(options.hookrules) serve (default settings, log at info into a file), queue and logs under \(folder.path)
            load before the run: \(loadAverage())
            """)
        let client = HTTPClient()
        var sides: [IntakeSide] = []
        var scratch: PostgresScratchSchema?
        do {
            let bare = try await BareEndpoint.start()
            sides.append(IntakeSide(name: "bare Hummingbird", url: bare.url, serve: nil))
            let sqlite = try await ServeProcess.start(
                name: "serve, SQLite", executable: options.hookrules, rules: options.rules,
                queue: folder.appendingPathComponent("sqlite").path, logPath: folder.appendingPathComponent("serve-sqlite.log").path,
                client: client)
            sides.append(IntakeSide(name: sqlite.name, url: sqlite.url, serve: sqlite))
            if let baseline = options.baseline {
                let server = try await ServeProcess.start(
                    name: "baseline, SQLite", executable: baseline, rules: options.rules,
                    queue: folder.appendingPathComponent("baseline").path,
                    logPath: folder.appendingPathComponent("baseline-sqlite.log").path, client: client)
                sides.append(IntakeSide(name: server.name, url: server.url, serve: server, baseline: true))
            }
            if let url = options.postgres {
                let schema = try await PostgresScratchSchema(url: url)
                scratch = schema
                print(schema.summary)
                let postgres = try await ServeProcess.start(
                    name: "serve, PostgreSQL", executable: options.hookrules, rules: options.rules, queue: schema.queueURL,
                    logPath: folder.appendingPathComponent("serve-postgres.log").path, client: client)
                sides.append(IntakeSide(name: postgres.name, url: postgres.url, serve: postgres))
            }
            print()

            var fileNumber = 0
            let tag = UUID().uuidString.prefix(6).lowercased()
            func measure(_ side: IntakeSide, seconds: Int) async throws -> IntakeSide.Run {
                fileNumber += 1
                let file = RequestFile(nonce: "\(tag)\(fileNumber)", variants: variants, threads: options.threads)
                return try await side.measure(
                    mix, file: file, path: folder.appendingPathComponent("requests-\(fileNumber).lua").path,
                    wrk: WrkRun.Settings(script: wrk.script, seconds: seconds, connections: wrk.connections, threads: wrk.threads))
            }
            for side in sides { _ = try await measure(side, seconds: min(2, options.seconds)) }
            var runs = sides.map { _ in [IntakeSide.Run]() }
            for round in 0..<options.rounds {
                // Each round starts with another side, so no side always runs right after the same one.
                for offset in sides.indices {
                    let index = (offset + round) % sides.count
                    runs[index].append(try await measure(sides[index], seconds: options.seconds))
                }
            }
            let report = IntakeReport(sides: sides, runs: runs)
            report.print()
            print("load after the run: \(loadAverage())")
            if options.profile, let sqlite = sides[1].serve {
                print()
                try await ServeProfile.run(
                    serve: sqlite, folder: folder.path, seconds: options.seconds,
                    measure: { try await measure(sides[1], seconds: options.seconds) })
            }
            for side in sides {
                guard let serve = side.serve else { continue }
                try await serve.stop()
                let problems = serve.problems()
                if !problems.isEmpty {
                    throw BenchmarkFailure("\(serve.name) logged \(problems.count) problems, e.g.:\n" + problems.prefix(5).joined(separator: "\n"))
                }
            }
            try await bare.stop()
            let problems = report.problems
            guard problems.isEmpty else {
                throw BenchmarkFailure("the runs did not measure what they should (logs under \(folder.path)):\n" + problems.joined(separator: "\n"))
            }
        } catch {
            for side in sides { try? await side.serve?.stop() }
            try? await scratch?.drop()
            try? await client.shutdown()
            throw error
        }
        try await scratch?.drop()
        try await client.shutdown()
        if options.keep {
            print("kept \(folder.path)")
        } else {
            try FileManager.default.removeItem(at: folder)
        }
    }

    /// The 1, 5 and 15 minute load averages: how busy the shared machine was.
    static func loadAverage() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3)
            .joined(separator: " ")
    }
}

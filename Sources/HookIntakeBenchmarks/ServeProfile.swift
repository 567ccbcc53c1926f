import Foundation

/// Where `serve`'s CPU time goes: `perf record` (cpu-clock, call graphs through frame pointers) of the whole
/// machine during one more run, read for the server's process only (recording the process itself would miss the
/// threads it starts later, such as the dispatch threads SQLite's writer runs on). Each sample is charged to the
/// part of the intake path nearest its leaf: the first frame, from the leaf up, in a module of that part (Lua and
/// the engine: the rule; SQLite and GRDB: the commit; NIO and Hummingbird: HTTP; ...). The Swift runtime, the
/// standard library, libc and the kernel are charged to the code that called them (a `malloc` from the rule is the
/// rule's; an `fdatasync` under SQLite is the commit's); samples with no such frame are "runtime and kernel,
/// unattributed".
enum ServeProfile {
    static func run(
        serve: ServeProcess, folder: String, seconds: Int, measure: () async throws -> IntakeSide.Run
    ) async throws {
        let data = folder + "/perf.data"
        let record = try SpawnedProcess(arguments: [
            "perf", "record", "-a", "-e", "cpu-clock", "-F", "999", "-g", "-o", data, "--", "sleep", "\(seconds)",
        ])
        let run = try await measure()
        let status = try await record.exitStatus()
        guard status == 0 else {
            throw BenchmarkFailure("perf record failed (status \(status)); is perf installed and allowed?")
        }
        let stacks = try samples(data, pid: serve.pid)
        var shares: [String: Int] = [:]
        for stack in stacks { shares[part(of: stack), default: 0] += 1 }
        print("""
            where serve's CPU time goes on SQLite (perf record during one more run: \
            \(IntakeReport.grouped(run.wrk.requestsPerSecond)) hooks/s, \
            \(String(format: "%.0f", run.serverCPU / Double(max(1, run.wrk.requests)) * 1e6)) µs of CPU per hook; \
            \(stacks.count) samples):
            """)
        for (part, count) in shares.sorted(by: { $0.value > $1.value }) {
            let share = Double(count) / Double(max(1, stacks.count))
            print(String(format: "  %5.1f %%  %4.0f µs/hook  ", share * 100,
                share * run.serverCPU / Double(max(1, run.wrk.requests)) * 1e6) + part)
        }
    }

    /// Each sample's frames, leaf first, as `(symbol, object file)`.
    private static func samples(_ data: String, pid: Int32) throws -> [[(symbol: String, object: String)]] {
        let script = Process()
        script.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        script.arguments = ["perf", "script", "-i", data, "--pid", "\(pid)", "-F", "ip,sym,dso"]
        let output = Pipe()
        script.standardOutput = output
        script.standardError = FileHandle.nullDevice
        try script.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        script.waitUntilExit()
        guard script.terminationStatus == 0 else { throw BenchmarkFailure("perf script failed on \(data)") }
        var stacks: [[(symbol: String, object: String)]] = []
        var stack: [(symbol: String, object: String)] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                if !stack.isEmpty { stacks.append(stack) }
                stack = []
                continue
            }
            // `ADDRESS SYMBOL+OFFSET (OBJECT)`
            let afterAddress = trimmed.drop { $0 != " " }.drop { $0 == " " }
            guard let open = afterAddress.lastIndex(of: "(") else { continue }
            let symbol = afterAddress[..<open].trimmingCharacters(in: .whitespaces)
            let object = afterAddress[afterAddress.index(after: open)...].dropLast()
            stack.append((symbol: String(symbol.split(separator: "+").first ?? ""), object: String(object)))
        }
        if !stack.isEmpty { stacks.append(stack) }
        return stacks
    }

    /// The part of the intake path a sample is charged to.
    static func part(of stack: [(symbol: String, object: String)]) -> String {
        for frame in stack {
            let library = (frame.object as NSString).lastPathComponent
            if let part = libraryParts.first(where: { library.hasPrefix($0.key) })?.value { return part }
            let module = swiftModule(of: frame.symbol)
            if let module, let part = moduleParts.first(where: { module.hasPrefix($0.key) })?.value { return part }
            if module == nil, let part = symbolParts.first(where: { frame.symbol.hasPrefix($0.key) })?.value { return part }
        }
        return "Swift runtime, libc and kernel, unattributed"
    }

    private static let rule = "the rule: Lua and the engine (LuaRuntime, HookRules)"
    private static let commit = "the commit: SQLite, GRDB, the queue's statements"
    private static let http = "HTTP: NIO, Hummingbird, the routes"

    private static let libraryParts = ["liblua5.4": rule, "libsqlite3": commit]
    private static let symbolParts = ["lua": rule, "CNIO": http, "CCryptoBoringSSL": "signature verification: HMAC"]
    private static let moduleParts: KeyValuePairs<String, String> = [
        "LuaRuntime": rule, "HookRules": rule, "CLuaShim": rule,
        "HookSignatures": "signature verification: HMAC", "Crypto": "signature verification: HMAC",
        "GRDB": commit, "HookQueueSQLite": commit,
        "PostgresNIO": "the commit: PostgreSQL client", "HookQueuePostgres": "the commit: PostgreSQL client",
        "HookQueue": "the queue's shared types", "HookIntake": "intake: group commit, records, replies",
        "Logging": "logging (a line per hook)", "Prometheus": "metrics", "CoreMetrics": "metrics",
        "HookModel": "the model: hooks, headers",
        "NIO": http, "_NIO": http, "Hummingbird": http, "HTTPTypes": http, "HookServer": http, "ServiceLifecycle": http,
    ]

    /// The module of a mangled Swift symbol (`$s11LuaRuntime8LuaStateV...` → `LuaRuntime`); "Swift" for the standard
    /// library's own (`$sSa...`, `$ss...`), nil for other symbols.
    static func swiftModule(of symbol: String) -> String? {
        var text = Substring(symbol)
        if text.hasPrefix("_") { text = text.dropFirst() }
        guard text.hasPrefix("$s") else { return nil }
        text = text.dropFirst(2)
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard let length = Int(digits), length > 0 else { return "Swift" }
        return String(text.dropFirst(digits.count).prefix(length))
    }
}

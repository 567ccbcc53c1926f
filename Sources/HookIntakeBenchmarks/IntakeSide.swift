import Foundation

/// One server wrk posts to: the bare endpoint (in this process) or `hookrules serve` (its own process).
struct IntakeSide {
    let name: String
    let url: String
    let serve: ServeProcess?
    /// Whether this is `--baseline`'s build, which the others are compared with round by round.
    var baseline = false

    /// One run's figures: wrk's report, the server's CPU time, and for `serve` what its metrics counted.
    struct Run {
        let wrk: WrkRun
        let serverCPU: Double
        let metrics: ServeMetrics?

        /// Why this run does not measure what it should (every hook accepted, none refused or repeated), or none.
        var problems: [String] {
            var problems: [String] = []
            if wrk.non2xx > 0 { problems.append("\(wrk.non2xx) answers with a status of 400 or more") }
            if wrk.socketErrors > 0 { problems.append("\(wrk.socketErrors) socket errors") }
            if let metrics {
                if metrics.rejections > 0 { problems.append("\(metrics.rejections) hooks refused (/metrics: hookrules_rejections_total)") }
                if metrics.hooks("duplicate") > 0 {
                    problems.append("\(metrics.hooks("duplicate")) hooks answered as duplicates (delivery ids repeated: raise --max-rate)")
                }
                if metrics.hooks("handshake") > 0 { problems.append("\(metrics.hooks("handshake")) hooks answered as handshakes") }
                let stored = metrics.hooks("accepted") + metrics.hooks("failed")
                if stored < wrk.requests { problems.append("\(stored) hooks stored for \(wrk.requests) answers") }
            }
            return problems
        }
    }

    /// Writes a fresh request file for this side, runs wrk on it, and reads the server's CPU time and metrics around
    /// the run.
    func measure(_ mix: CaptureMix, file: RequestFile, path: String, wrk settings: WrkRun.Settings) async throws -> Run {
        try file.write(mix, base: url, to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let pid = serve?.pid ?? getpid()
        let metricsBefore = try await serve?.metrics()
        let cpuBefore = try ProcessCPU.seconds(pid: pid)
        let wrk = try WrkRun.run(url: url, requestsFile: path, settings: settings)
        let cpu = try ProcessCPU.seconds(pid: pid) - cpuBefore
        var metrics: ServeMetrics?
        if let serve, let metricsBefore {
            // Hooks in flight when wrk stopped still finish and commit; their count settles within a moment.
            try await Task.sleep(for: .milliseconds(200))
            metrics = try await serve.metrics().since(metricsBefore)
        }
        return Run(wrk: wrk, serverCPU: cpu, metrics: metrics)
    }
}

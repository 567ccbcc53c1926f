import LuaRuntime

extension RuleEngine {
    /// Moves a state's line counts into the engine's after a hook. Costs one check when not counting lines.
    func collectLineHits(from state: inout LuaState) {
        guard state.countingLines else { return }
        let hits = state.takeLineHits()
        lineHits.withLock { $0.add(hits) }
    }

    /// Which executable lines of each given integration's rule file the hooks processed so far ran, in the order
    /// given; integrations without a rule are skipped. Lines are counted only when the engine was made with
    /// `countingLines` (otherwise every line shows as never reached). Counts are kept by file path, so after a
    /// reload that changed a file, lines of both versions are mixed.
    public func lineCoverage(of integrations: some Sequence<String>) async throws(LuaError) -> [RuleLineCoverage] {
        let rules = current.withLock { $0 }
        let hits = lineHits.withLock { $0 }
        var coverage: [RuleLineCoverage] = []
        for integration in integrations {
            guard let rule = rules.book.rules[integration], let pool = rules.pools[integration] else { continue }
            let executable = try await pool.withState { (state) throws(LuaError) -> [Int] in
                guard let script = state.script(named: rule.script.name) else {
                    throw LuaError(.contract, "\(rule.script.name) is not loaded")
                }
                return try state.executableLines(of: script)
            }
            coverage.append(RuleLineCoverage(
                script: rule.script, executableLines: executable, hits: hits.lines(of: rule.script.name)))
        }
        return coverage
    }
}

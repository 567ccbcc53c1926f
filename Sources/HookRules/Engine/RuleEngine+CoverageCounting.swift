import LuaRuntime

/// What an engine measuring coverage counted for one rule file: its executable lines (those holding code that can
/// run; see ``LuaState/executableLines(of:)``) and how often each ran.
package struct RuleLineCounts: Sendable {
    package let script: LuaScript
    package let executableLines: [Int]
    package let hits: [Int: Int]
}

/// What an engine measuring coverage counted for one rule: what it maps, and what its results used.
package struct RuleMappingCounts: Sendable {
    package let rule: RuleFile
    package let hits: MappingHits
}

extension RuleEngine {
    /// Moves a state's line counts into the engine's after a hook. Costs one check when not counting lines.
    func collectLineHits(from state: inout LuaState) {
        guard state.countingLines else { return }
        let hits = state.takeLineHits()
        lineHits.withLock { $0.add(hits) }
    }

    func countMappings(of result: RuleResult, integration: String) {
        mappingHits.withLock { $0[integration, default: MappingHits()].add(result) }
    }

    /// The line counts of each given integration's rule file so far, in the order given; integrations without a
    /// rule are skipped. Counts are kept by file path, so after a reload that changed a file, lines of both
    /// versions are mixed.
    package func lineCounts(of integrations: some Sequence<String>) async throws(LuaError) -> [RuleLineCounts] {
        let rules = current.withLock { $0 }
        let hits = lineHits.withLock { $0 }
        var counts: [RuleLineCounts] = []
        for integration in integrations {
            guard let rule = rules.book.rules[integration], let pool = rules.pools[integration] else { continue }
            let executable = try await pool.withState { (state) throws(LuaError) -> [Int] in
                guard let script = state.script(named: rule.script.name) else {
                    throw LuaError(.contract, "\(rule.script.name) is not loaded")
                }
                return try state.executableLines(of: script)
            }
            counts.append(RuleLineCounts(
                script: rule.script, executableLines: executable, hits: hits.lines(of: rule.script.name)))
        }
        return counts
    }

    /// The mapping counts of each given integration's rule so far, in the order given; integrations without a
    /// rule are skipped.
    package func mappingCounts(of integrations: some Sequence<String>) -> [RuleMappingCounts] {
        let rules = current.withLock { $0.book.rules }
        let hits = mappingHits.withLock { $0 }
        return integrations.compactMap { integration in
            rules[integration].map { RuleMappingCounts(rule: $0, hits: hits[integration] ?? MappingHits()) }
        }
    }
}

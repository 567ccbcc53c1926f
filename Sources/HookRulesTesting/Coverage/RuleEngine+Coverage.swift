import HookRules
import LuaRuntime

extension RuleEngine {
    /// Which executable lines of each given integration's rule file the hooks processed so far ran, in the order
    /// given; integrations without a rule are skipped. Lines are counted only when the engine was made with
    /// `measuringCoverage` (otherwise every line shows as never reached).
    public func lineCoverage(of integrations: some Sequence<String>) async throws(LuaError) -> [RuleLineCoverage] {
        try await lineCounts(of: integrations).map {
            RuleLineCoverage(script: $0.script, executableLines: $0.executableLines, hits: $0.hits)
        }
    }
}

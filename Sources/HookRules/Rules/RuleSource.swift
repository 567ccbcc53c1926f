import LuaRuntime

extension LuaScript {
    /// The line of the rule file's `rule {` call (1 when there is none). Lua cannot report it: `return rule { ... }`
    /// is a tail call, so the file's own frame is gone while `rule` runs.
    var ruleCallLine: Int {
        let text = String(decoding: self.text, as: UTF8.self)
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let code = line.split(separator: "--", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            if code.contains(/\brule\s*[{(]/) { return index + 1 }
        }
        return 1
    }
}

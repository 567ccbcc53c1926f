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

    /// The line where each event's mapping is written (`["products/update"] = ...` or `push = ...`), searched from
    /// the `rule {` call on, so a trace can point at the mapping that made a request. Events whose key is not
    /// found literally (built in code) are left out and fall back to the `rule {` line.
    func mappingLines(of events: some Sequence<String>) -> [String: Int] {
        let lines = String(decoding: text, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let start = ruleCallLine - 1
        var found: [String: Int] = [:]
        for event in events {
            let keys = ["[\"\(event)\"]", "['\(event)']"]
            for index in lines.indices where index >= start {
                let code = lines[index].split(separator: "--", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                let identifierKey = code.trimmingPrefix(while: { $0 == " " || $0 == "\t" }).hasPrefix("\(event) =")
                if keys.contains(where: { code.contains($0) }) || identifierKey {
                    found[event] = index + 1
                    break
                }
            }
        }
        return found
    }
}

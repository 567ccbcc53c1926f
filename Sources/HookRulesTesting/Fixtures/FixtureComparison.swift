import HookModel

/// Compares an outcome with what a case expects and explains any difference as a readable diff: `-` lines are
/// expected but missing, `+` lines happened but were not expected.
struct FixtureComparison {
    let expected: ExpectedOutcome
    let outcome: HookOutcome

    /// Empty when the outcome matches.
    var differences: [String] {
        var lines: [String] = []
        let requests = compare(
            expected.requests.map(\.description), outcome.requests.map { ExpectedRequest($0).description })
        if !requests.isEmpty { lines += ["requests:"] + requests }
        if expected.ignored != nil || expected.match == .exact {
            let ignored = compare(
                (expected.ignored ?? []).map(\.description), outcome.ignored.map { ExpectedIgnore($0).description })
            if !ignored.isEmpty { lines += ["ignored:"] + ignored }
        }
        lines += errorDifferences
        lines += replyDifferences
        return lines
    }

    /// The rule's answer, when the case states one.
    private var replyDifferences: [String] {
        guard let wanted = expected.reply else { return [] }
        let given = outcome.reply.map { reply in
            ExpectedReply(status: reply.status, body: wanted.body == nil ? nil : String(decoding: reply.body, as: UTF8.self))
        }
        guard given != wanted else { return [] }
        return ["reply:", "- \(wanted)", "+ \(given.map(\.description) ?? "(the server's usual answer)")"]
    }

    private var errorDifferences: [String] {
        let messages = outcome.errors.map(\.description)
        if let wanted = expected.error {
            if messages.contains(where: { $0.contains(wanted) }) { return [] }
            return ["error:", "- an error containing \"\(wanted)\""]
                + (messages.isEmpty ? ["+ (no error)"] : messages.map { "+ \($0)" })
        }
        return messages.isEmpty ? [] : ["errors (none expected):"] + messages.map { "+ \($0)" }
    }

    private func compare(_ expected: [String], _ actual: [String]) -> [String] {
        switch self.expected.match {
        case .exact:
            guard expected != actual else { return [] }
            return Self.diff(expected, actual)
        case .contains:
            var remaining = actual
            var missing: [String] = []
            for line in expected {
                if let index = remaining.firstIndex(of: line) {
                    remaining.remove(at: index)
                } else {
                    missing.append(line)
                }
            }
            guard !missing.isEmpty else { return [] }
            return missing.map { "- \($0)" } + actual.map { "  \($0)  (actual)" }
        }
    }

    /// A line diff in the expected order: unchanged lines with two spaces, removals `-`, insertions `+`.
    static func diff(_ expected: [String], _ actual: [String]) -> [String] {
        let difference = actual.difference(from: expected)
        var removed = Set<Int>(), inserted = [Int: String]()
        for change in difference {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, let element, _): inserted[offset] = element
            }
        }
        var lines: [String] = []
        var actualIndex = 0
        var expectedIndex = 0
        while expectedIndex < expected.count || actualIndex < actual.count {
            if expectedIndex < expected.count, removed.contains(expectedIndex) {
                lines.append("- \(expected[expectedIndex])")
                expectedIndex += 1
            } else if actualIndex < actual.count, let line = inserted[actualIndex] {
                lines.append("+ \(line)")
                actualIndex += 1
            } else {
                if expectedIndex < expected.count { lines.append("  \(expected[expectedIndex])") }
                expectedIndex += 1
                actualIndex += 1
            }
        }
        return lines
    }
}

import HookRulesTesting

/// Fixture results as JUnit XML, the format CI systems show as test reports: one suite per fixture file.
struct JUnitReport {
    let results: [FixtureResult]

    var xml: String {
        var suites: [(String, [FixtureResult])] = []
        for result in results {
            if let index = suites.firstIndex(where: { $0.0 == result.file }) {
                suites[index].1.append(result)
            } else {
                suites.append((result.file, [result]))
            }
        }
        var lines = [#"<?xml version="1.0" encoding="UTF-8"?>"#]
        let failures = results.filter { !$0.passed }.count
        lines.append(#"<testsuites name="hookrules" tests="\#(results.count)" failures="\#(failures)">"#)
        for (file, cases) in suites {
            let failed = cases.filter { !$0.passed }.count
            lines.append(#"  <testsuite name="\#(escape(file))" tests="\#(cases.count)" failures="\#(failed)">"#)
            for result in cases {
                let open = #"    <testcase classname="\#(escape(result.integration))" name="\#(escape(result.fixtureCase.name))" file="\#(escape(result.file))" line="\#(result.fixtureCase.line)""#
                if result.passed {
                    lines.append(open + "/>")
                } else {
                    lines.append(open + ">")
                    let message = result.summary
                    lines.append(#"      <failure message="\#(escape(message))">\#(escape(result.problems.joined(separator: "\n")))</failure>"#)
                    lines.append("    </testcase>")
                }
            }
            lines.append("  </testsuite>")
        }
        lines.append("</testsuites>")
        return lines.joined(separator: "\n") + "\n"
    }

    private func escape(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "\n", "\t": escaped.unicodeScalars.append(scalar)
            // XML 1.0 cannot carry other control characters at all.
            case _ where scalar.value < 0x20: escaped += "?"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}

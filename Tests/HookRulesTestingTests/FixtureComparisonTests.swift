import HookRules
import HookRulesConfig
import HookRulesTesting
import RuleTestSupport
import Testing

@Suite("Fixtures: expectations are compared exactly or as contains, mismatches become a diff")
struct FixtureComparisonTests {
    let harness: EngineHarness

    init() throws {
        harness = try EngineHarness("""
            return rule {
              scopes = { "product/updated", "customer/updated" },
              records = field "body",
              event = field "type",
              id = field "id",
              on = { product = "product/updated", customer = "customer/updated", note = ignore "notes are not synced" },
            }
            """)
    }

    func run(_ expected: ExpectedOutcome, body: String) async throws -> FixtureResult {
        let file = try makeFile(expected: expected, body: body)
        return await FixtureRunner(engine: harness.engine).run(file.cases[0], of: file)
    }

    func makeFile(expected: ExpectedOutcome, body: String) throws -> RuleFixtureFile {
        // Built through the YAML loader, as a fixture file would be.
        var lines = ["cases:", "  - name: case", "    hook:", "      body: '\(body)'"]
        if expected.match == .contains { lines.append("    match: contains") }
        if !expected.requests.isEmpty {
            lines.append("    requests:")
            for request in expected.requests {
                lines.append("      - { scope: \(request.scope), externalId: \"\(request.externalId)\" }")
            }
        }
        if let ignored = expected.ignored {
            lines.append("    ignored:")
            for entry in ignored { lines.append("      - { record: \(entry.record), reason: \"\(entry.reason)\" }") }
        }
        if let error = expected.error { lines.append("    error: \"\(error)\"") }
        return try RuleFixtureFile.parse(lines.joined(separator: "\n"), path: "rules/shop.fixtures.yaml")
    }

    let body = #"[{"type": "product", "id": 1}, {"type": "customer", "id": 2}]"#

    @Test("an exact expectation passes only when the requests are exactly these, in order")
    func exact() async throws {
        let passing = try await run(ExpectedOutcome(requests: [
            ExpectedRequest(scope: "product/updated", externalId: "1"),
            ExpectedRequest(scope: "customer/updated", externalId: "2"),
        ]), body: body)
        #expect(passing.passed, "\(passing.problems)")

        let failing = try await run(ExpectedOutcome(requests: [
            ExpectedRequest(scope: "product/updated", externalId: "1"),
            ExpectedRequest(scope: "customer/updated", externalId: "3"),
        ]), body: body)
        #expect(failing.problems == [
            "requests:", #"  product/updated "1""#, #"- customer/updated "3""#, #"+ customer/updated "2""#,
        ])
    }

    @Test("contains passes when the stated requests are among the outcome's, and names what is missing")
    func contains() async throws {
        let passing = try await run(ExpectedOutcome(
            match: .contains, requests: [ExpectedRequest(scope: "customer/updated", externalId: "2")]), body: body)
        #expect(passing.passed)
        let failing = try await run(ExpectedOutcome(
            match: .contains, requests: [ExpectedRequest(scope: "customer/updated", externalId: "9")]), body: body)
        #expect(failing.problems.first == "requests:")
        #expect(failing.problems.contains(#"- customer/updated "9""#))
    }

    @Test("an exact case fails on unexpected ignores and errors; an error case needs its error")
    func ignoresAndErrors() async throws {
        let ignoredBody = #"[{"type": "note", "id": 5}]"#
        let unstated = try await run(ExpectedOutcome(), body: ignoredBody)
        #expect(unstated.problems == ["ignored:", #"+ record 1 event "note": notes are not synced"#])

        let missingId = #"[{"type": "product"}]"#
        let unexpectedError = try await run(ExpectedOutcome(), body: missingId)
        #expect(unexpectedError.problems.first == "errors (none expected):")
        let expectedError = try await run(ExpectedOutcome(error: "the record has no id"), body: missingId)
        #expect(expectedError.passed, "\(expectedError.problems)")
        let wrongError = try await run(ExpectedOutcome(error: "something else"), body: missingId)
        #expect(wrongError.problems.prefix(2) == ["error:", #"- an error containing "something else""#])
    }

    @Test("a failure's one-line summary is the diff's first changed lines, or why the case could not run")
    func summary() async throws {
        let failing = try await run(ExpectedOutcome(requests: [
            ExpectedRequest(scope: "product/updated", externalId: "1"),
            ExpectedRequest(scope: "customer/updated", externalId: "3"),
        ]), body: body)
        #expect(failing.summary == #"requests: - customer/updated "3"; + customer/updated "2""#)
        let unexpectedError = try await run(ExpectedOutcome(), body: #"[{"type": "product"}]"#)
        #expect(unexpectedError.summary == "errors (none expected): + rules/shop.lua:6: record 1: the record has no id")
        let file = try RuleFixtureFile.parse("cases:\n  - name: a\n    hook: nowhere.json", path: "rules/shop.fixtures.yaml")
        let missing = await FixtureRunner(engine: harness.engine).run(file.cases[0], of: file)
        #expect(missing.summary == "rules/nowhere.json: no such file")
        let passing = try await run(ExpectedOutcome(match: .contains), body: body)
        #expect(passing.summary == "")
    }

    @Test("malformed fixture files name the line", arguments: [
        ("cases:\n  - name: a\n    hook: x.json\n    requests:\n      - { scope: product/updated, externalId: 12 }", 5, "externalId must be quoted"),
        ("cases:\n  - name: a\n    hook: x.json\n    expect: []", 4, #"unknown field "expect""#),
        ("cases:\n  - name: a\n    requests: []", 2, "hook is missing"),
        ("cases:\n  - name: a\n    hook: x.json\n    match: some", 4, "match must be exact or contains"),
        ("cases: [", 2, "not valid YAML"),
    ])
    func malformed(text: String, line: Int, message: String) {
        #expect {
            try RuleFixtureFile.parse(text, path: "rules/shop.fixtures.yaml")
        } throws: { error in
            guard let problem = (error as? ConfigError)?.problems.first else { return false }
            return problem.line == line && problem.message.contains(message)
        }
    }
}

import HookModel
import HookRules
import HookRulesConfig
import HookRulesTesting
import LuaRuntime
import RuleTestSupport
import Testing

@Suite("Fixtures: --update rewrites the failing cases in place and nothing else")
struct FixtureUpdateTests {
    let harness: EngineHarness

    init() throws {
        harness = try EngineHarness("""
            return rule {
              scopes = { "product/updated" },
              event = field "type",
              id = field "id",
              on = { product = "product/updated", note = ignore "notes are not synced" },
            }
            """)
    }

    /// The file parsed from `text`, its cases run, and the update offered for it.
    func update(_ text: String) async throws -> (file: RuleFixtureFile, update: FixtureUpdate) {
        let file = try RuleFixtureFile.parse(text, path: "rules/shop.fixtures.yaml")
        let results = await FixtureRunner(engine: harness.engine).run(file)
        return (file, file.updating(with: results))
    }

    @Test("a failing block case has only its expectation replaced; comments, passing cases and layout stay")
    func blockCase() async throws {
        let (_, update) = try await update("""
            # Fixtures for shop.lua.
            cases:
              # the first case
              - name: a product
                hook: { body: '{"type": "product", "id": 1}' }
                requests:
                  - { scope: product/updated, externalId: "1" }

              - name: a product, expected wrongly
                hook:   { body: '{"type": "product", "id": 2}' }   # odd spacing is kept
                # the expectation below is wrong
                requests:
                  - { scope: product/updated, externalId: "3" }
                  - { scope: product/updated, externalId: "4" }
                # a note on the next case
              - name: a note
                hook: { body: '{"type": "note", "id": 5}' }
                ignored: [{ record: 1, event: note, reason: notes are not synced }]
            """)
        #expect(update.updated.map(\.name) == ["a product, expected wrongly"])
        #expect(update.notUpdated.isEmpty)
        #expect(update.text == """
            # Fixtures for shop.lua.
            cases:
              # the first case
              - name: a product
                hook: { body: '{"type": "product", "id": 1}' }
                requests:
                  - { scope: product/updated, externalId: "1" }

              - name: a product, expected wrongly
                hook:   { body: '{"type": "product", "id": 2}' }   # odd spacing is kept
                # the expectation below is wrong
                requests:
                  - { scope: product/updated, externalId: "2" }
                # a note on the next case
              - name: a note
                hook: { body: '{"type": "note", "id": 5}' }
                ignored: [{ record: 1, event: note, reason: notes are not synced }]
            """)
    }

    @Test("expectations are replaced where the first was; one with none gets them after its last key")
    func expectationKeys() async throws {
        let (_, update) = try await update("""
            cases:
              - name: expects a product but gets a note
                hook: { body: '{"type": "note", "id": 5}' }
                match: contains
                requests: [{ scope: product/updated, externalId: "5" }]
                error: "nothing"
              - name: states nothing
                hook: { body: '{"type": "product", "id": "A-1"}' }
              - name: a hook that fails
                hook: { body: '{"type": "product"}' }
            """)
        #expect(update.updated.count == 3)
        #expect(update.text == """
            cases:
              - name: expects a product but gets a note
                hook: { body: '{"type": "note", "id": 5}' }
                ignored:
                  - { record: 1, event: note, reason: "notes are not synced" }
              - name: states nothing
                hook: { body: '{"type": "product", "id": "A-1"}' }
                requests:
                  - { scope: product/updated, externalId: "A-1" }
              - name: a hook that fails
                hook: { body: '{"type": "product"}' }
                error: "the record has no id"
            """)
    }

    @Test("a case written as one flow mapping is written anew in its place")
    func flowCase() async throws {
        let (file, update) = try await update("""
            cases:
              - { name: flow, hook: { body: '{"type": "product", "id": 9}' }, requests: [] }
              - name: after
                hook: { body: '{"type": "product", "id": 1}' }
                requests:
                  - { scope: product/updated, externalId: "1" }
            """)
        #expect(update.text == """
            cases:
              - name: flow
                hook:
                  body: '{"type": "product", "id": 9}'
                requests:
                  - { scope: product/updated, externalId: "9" }
              - name: after
                hook: { body: '{"type": "product", "id": 1}' }
                requests:
                  - { scope: product/updated, externalId: "1" }
            """)
        let reread = try RuleFixtureFile.parse(try #require(update.text), path: file.path)
        #expect(reread.cases.map(\.hook) == file.cases.map(\.hook))
    }

    @Test("texts YAML would misread are quoted, CR LF line ends are kept")
    func quotingAndLineEnds() async throws {
        let text = ["cases:", "  - name: odd ids", #"    hook: { body: '{"type": "product", "id": "a: \"b\""}' }"#, ""]
            .joined(separator: "\r\n")
        let (_, update) = try await update(text)
        #expect(update.text == text + ["    requests:", #"      - { scope: product/updated, externalId: "a: \"b\"" }"#, ""]
            .joined(separator: "\r\n"))
    }

    @Test("the last case ends before a top-level key written after the cases")
    func keyAfterCases() async throws {
        let (_, update) = try await update("""
            cases:
              - name: last
                hook: { body: '{"type": "product", "id": 8}' }

            # the file's default subscription
            subscription: { id: shop-default }
            """)
        #expect(update.text == """
            cases:
              - name: last
                hook: { body: '{"type": "product", "id": 8}' }
                requests:
                  - { scope: product/updated, externalId: "8" }

            # the file's default subscription
            subscription: { id: shop-default }
            """)
    }

    @Test("a case that could not run is listed with why and the file is left as it is")
    func cannotRun() async throws {
        let (_, update) = try await update("""
            cases:
              - name: missing capture
                hook: nowhere.json
                requests: []
            """)
        #expect(update.text == nil)
        #expect(update.updated.isEmpty)
        #expect(update.notUpdated.map(\.fixtureCase.name) == ["missing capture"])
        #expect(update.notUpdated.first?.reason.hasPrefix("it could not run: rules/nowhere.json: no such file") == true)
    }

    @Test("only the cases given results are rewritten (as with --filter)")
    func onlyGivenResults() async throws {
        let text = """
            cases:
              - name: wrong one
                hook: { body: '{"type": "product", "id": 1}' }
                requests: []
              - name: wrong two
                hook: { body: '{"type": "product", "id": 2}' }
                requests: []
            """
        let file = try RuleFixtureFile.parse(text, path: "rules/shop.fixtures.yaml")
        let second = await FixtureRunner(engine: harness.engine).run(file.cases[1], of: file)
        let update = file.updating(with: [second])
        #expect(update.updated.map(\.name) == ["wrong two"])
        #expect(update.text?.hasPrefix("""
            cases:
              - name: wrong one
                hook: { body: '{"type": "product", "id": 1}' }
                requests: []
              - name: wrong two
            """) == true)
    }
}

import Foundation
import HookCapture
import HookModel
@testable import HookRules
import HookRulesConfig
import LuaRuntime
import RuleTestSupport
import Testing

/// The typed reader of a rule's result (RuleResult+Reading) against the generic one (LuaValue, then RuleResult(_:)):
/// what the typed reader accepts it must read exactly as the generic path does, and whatever it declines must reach
/// the generic path untouched, errors included.
@Suite("Rule results: the typed reader agrees with the generic one")
struct RuleResultReadingTests {
    /// A `handle` returning what `body` builds from its argument `hook`, here a lazily decoded JSON body.
    struct Probe: ~Copyable {
        var state: LuaState
        let script: LuaScriptID

        init(_ body: String) throws {
            var state = try LuaState(libraries: RuleBook.libraries)
            script = try state.load(LuaScript(name: "rules/probe.lua", text: "return { handle = function(hook) \(body) end }"))
            self.state = state
        }

        mutating func typed(_ json: String = "{}") throws(LuaError) -> LuaTypedRun<RuleResult> {
            try state.call(script, function: "handle", arguments: [.lazyJSON(Array(json.utf8))], reading: RuleResult.init(reading:))
        }

        mutating func generic(_ json: String = "{}") throws(LuaError) -> LuaRun {
            try state.call(script, function: "handle", arguments: [.lazyJSON(Array(json.utf8))])
        }
    }

    @Test("shapes the rule API returns are read typed, exactly as the generic reader reads them", arguments: [
        "return { requests = {}, ignored = {}, errors = {} }",
        """
        return { requests = { { record = 1, scope = "product/updated", line = 7, event = "products/update", id = 820982911946154508 },
          { record = 2, scope = "product/updated", id = "a-2", origin = { kind = "sku", id = 5 } },
          { record = 3, scope = "product/updated", id = "Car:1", child_request = true, parent = { kind = "message/created", id = "Car:1" } } },
          ignored = { { record = 1, event = "x", reason = "not mapped" } },
          errors = { { record = 2, message = "rules/probe.lua:1: boom", traceback = "stack traceback:" } } }
        """,
        // Values the validator refuses or defaults are still plain data: read typed, judged the same way.
        "return { requests = { { scope = 5, id = 1.5, record = 1.0, line = 'x', event = 3, child_request = 1 } } }",
        "return { requests = { { scope = 'a/updated', id = json.null, origin = {}, parent = 'p' } } }",
        "return { requests = { { scope = 'a/updated', id = true, origin = { kind = 1, id = json.null } } } }",
        "return { requests = { { scope = 'a/updated', id = hook.id } } }",
        "return { requests = { { id = 'héllo' } }, ignored = { {} }, errors = { { message = 4 } } }",
        "return { requests = {}, ignored = {} }",
        "local list = {} for i = 1, 200 do list[i] = { record = i, scope = 'a/updated', id = i } end return { requests = list }",
    ])
    func accepted(source: String) throws {
        var probe = try Probe(source)
        let typed = try probe.typed(#"{"id": 18446744073709551616}"#)
        let generic = try probe.generic(#"{"id": 18446744073709551616}"#)
        let read = try #require(typed.read, "the typed reader declined")
        #expect(typed.run.values.isEmpty)
        #expect(read == RuleResult(generic.values.first ?? .nil))
    }

    @Test("anything else is declined and read by the generic reader, with its result", arguments: [
        "return nil",
        "return 'requests'",
        "return { requests = {} }, 2",
        "return { requests = 'none' }",
        "return { requests = { 'x' } }",
        "return { requests = {}, other = {} }",
        "return { requests = { { scope = 'a/updated', id = 1, note = 'x' } } }",
        "return { requests = { { scope = 'a/updated', id = { 1, 2 } } } }",
        "return { requests = { { scope = 'a/updated', id = hook.data } } }",
        "return { requests = { { scope = 'a/updated', origin = { kind = 'k', id = 1, extra = 1 } } } }",
        "return { requests = { { scope = 'a/updated', origin = { kind = 'k', id = {} } } } }",
    ])
    func declined(source: String) throws {
        var probe = try Probe(source)
        let typed = try probe.typed(#"{"id": 1, "data": {"a": 1}}"#)
        let generic = try probe.generic(#"{"id": 1, "data": {"a": 1}}"#)
        #expect(typed.read == nil)
        #expect(typed.run.values == generic.values)
    }

    @Test("a result the generic reader refuses is refused with its exact message", arguments: [
        "return { requests = { { scope = 'a/updated', id = print } } }",
        "return { requests = { { scope = 'a/updated', id = 1 }, { scope = '\\xff', id = 2 } } }",
        "return { ignored = { { reason = coroutine.create(function() end) } } }",
        "return { requests = { { scope = 'a/updated', id = 1, [true] = 1 } } }",
        "local r = { kind = 'k' } r.id = r return { requests = { { scope = 'a/updated', origin = r } } }",
        "return { requests = { [2] = { id = 1 } } }",
        "return setmetatable({ requests = {} }, {})",
        "local r = { requests = {} } r.requests[1] = r return r",
    ])
    func refused(source: String) throws {
        var typedProbe = try Probe(source), genericProbe = try Probe(source)
        let typedError = expectError { () throws(LuaError) in _ = try typedProbe.typed() }
        let genericError = expectError { () throws(LuaError) in _ = try genericProbe.generic() }
        #expect(typedError != nil && typedError == genericError)
    }

    @Test("every bundled capture reads the same typed as generically")
    func bundledCaptures() throws {
        let folder = try RuleFolder.load(folder: Samples.root.appendingPathComponent("rules").path)
        let (book, directory) = (folder.book, folder.directory)
        var checked = 0
        for path in try CaptureListing(under: Samples.folder.path).captures {
            let capture = try CapturedHook(path: path)
            guard let rule = book.rules[capture.integration] else { continue }
            let subscription = try directory.subscription(id: nil, integration: capture.integration)
            let hook = capture.hook(subscription: subscription)
            var state = try LuaState(limits: rule.limits, libraries: RuleBook.libraries)
            let script = try state.load(rule.script)
            let arguments = [HookInput.hook(hook, for: subscription, bodyFormat: rule.bodyFormat), HookInput.subscription(subscription)]
            let typed = try state.call(script, function: "handle", arguments: arguments, reading: RuleResult.init(reading:))
            let generic = try state.call(script, function: "handle", arguments: arguments)
            let genericRead = RuleResult(generic.values.first ?? .nil)
            // A result with a reply (Salesforce's acknowledgement) is read by the generic reader by design.
            #expect(typed.read != nil || genericRead.reply != nil, "\(path)")
            #expect((typed.read ?? genericRead) == genericRead, "\(path)")
            checked += 1
        }
        #expect(checked >= 31)
    }

    private func expectError(_ body: () throws(LuaError) -> Void) -> LuaError? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }
}

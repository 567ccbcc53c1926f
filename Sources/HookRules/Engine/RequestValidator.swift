import HookModel
import LuaRuntime

/// Turns what a rule returned into the hook's outcome, applying the policies every rule gets from the host: each
/// request's scope must be in the integration's catalog, its id a string or an integer (it leaves as a string), and
/// delete requests follow the subscription's delete policy. Anything malformed is an error naming the rule file
/// and line, never silently accepted.
struct RequestValidator {
    let rule: RuleFile
    let subscription: Subscription
    let hook: Hook

    func outcome(from result: RuleResult, log: [String], generation: Int) -> HookOutcome {
        var outcome = HookOutcome(hookId: hook.id, generation: generation)
        outcome.log = log
        for entry in result.ignored {
            outcome.ignored.append(IgnoredRecord(
                record: Int(entry.record ?? 1), event: entry.event, reason: entry.reason ?? "ignored"))
        }
        for entry in result.errors {
            let (location, message) = split(entry.message ?? "error")
            // Where the rule raised it, else the rule line the rule API says led to it (a step it made, a mapping).
            let line = entry.line.map { RuleLocation(file: rule.script.name, line: Int($0)) }
            outcome.errors.append(RuleFailure(
                record: entry.record.map(Int.init), message: message, location: location ?? line,
                traceback: entry.traceback))
        }
        outcome.delivery = result.delivery
        if let reply = result.reply {
            do {
                outcome.reply = try Self.reply(reply)
            } catch {
                outcome.errors.append(RuleFailure(message: error.message, location: RuleLocation(file: rule.script.name, line: rule.line)))
            }
        }
        for entry in result.requests {
            do {
                switch try request(from: entry) {
                case .request(let made): outcome.made.append(made)
                case .ignored(let ignored): outcome.ignored.append(ignored)
                }
            } catch {
                outcome.errors.append(error)
            }
        }
        return outcome
    }

    private enum Decision {
        case request(MadeRequest)
        case ignored(IgnoredRecord)
    }

    private func request(from entry: RuleResult.Request) throws(RuleFailure) -> Decision {
        let record = Int(entry.record ?? 1)
        let line = entry.line.map(Int.init) ?? entry.event.flatMap { rule.mappings.lines[$0] } ?? rule.line
        let location = RuleLocation(file: rule.script.name, line: line)
        func failure(_ message: String) -> RuleFailure {
            RuleFailure(record: record, message: message, location: location)
        }
        guard let text = entry.scope else { throw failure("a request has no scope") }
        // A scope found by its text is in the catalog; only one parsed from the text needs the (hashing) check.
        var scope: Scope
        if let declared = rule.catalog.scope(named: text) {
            scope = declared
        } else {
            guard let parsed = Scope(text) else {
                throw failure("\"\(text)\" is not a scope such as \"product/updated\"")
            }
            guard rule.catalog.contains(parsed) else {
                throw failure("scope \(parsed) is not declared in the scopes of \(rule.script.name)")
            }
            scope = parsed
        }
        let externalId = try Self.externalId(entry.id, failure: failure)
        var deleteTriggered = false
        if scope.action == .deleted {
            switch subscription.deletes {
            case .ignore:
                return .ignored(IgnoredRecord(
                    record: record, event: nil,
                    reason: "\(scope) \(externalId): delete hooks are off for subscription \(subscription.id)"))
            case .delete:
                break
            case .update:
                scope.action = .updated
                deleteTriggered = true
                guard rule.catalog.contains(scope) else {
                    throw failure("a delete-triggered update needs scope \(scope) declared in the scopes")
                }
            }
        }
        return .request(MadeRequest(TransferRequest(
            subscription: subscription.id, integration: rule.integration, scope: scope, direction: .to,
            externalId: externalId, childRequest: entry.childRequest,
            parent: try link(entry.parent, failure: failure), origin: try link(entry.origin, failure: failure),
            deleteTriggered: deleteTriggered, hookId: hook.id), at: location))
    }

    private func link(_ link: RuleResult.Link?, failure: (String) -> RuleFailure) throws(RuleFailure) -> RequestLink? {
        guard let link else { return nil }
        guard let kind = link.kind else { throw failure("a child or parent link needs a kind") }
        return RequestLink(kind: kind, externalId: try Self.externalId(link.id, failure: failure))
    }

    /// Ids leave as strings: integers as their exact digits, strings as they are. A float id has already lost
    /// digits (or never was an id), so it is refused rather than guessed at.
    static func externalId(_ value: LuaValue?, failure: (String) -> RuleFailure) throws(RuleFailure) -> String {
        switch value {
        case .string(let text) where !text.isEmpty: return text
        case .integer(let number): return String(number)
        case .number(let number): throw failure("the id \(number) is a float; ids must be integers or strings")
        case nil, .nil: throw failure("the record has no id")
        case .string: throw failure("the id is an empty string")
        default: throw failure("the id must be a string or an integer, not a list or table")
        }
    }

    private func split(_ message: String) -> (RuleLocation?, String) {
        let prefix = rule.script.name + ":"
        guard message.hasPrefix(prefix) else { return (nil, message) }
        let rest = message.dropFirst(prefix.count)
        let digits = rest.prefix { $0.isNumber }
        guard let line = Int(digits), rest.dropFirst(digits.count).hasPrefix(": ") else { return (nil, message) }
        return (RuleLocation(file: rule.script.name, line: line), String(rest.dropFirst(digits.count + 2)))
    }

    /// A reply as the server may send it: a 2xx status (200 when none is given: a handshake must never turn into a
    /// redirect, a refusal or a 410 that makes a sender disable the endpoint), header names and values as text, a body
    /// as text.
    static func reply(_ reply: RuleResult.Reply) throws(RuleFailure) -> HookReply {
        var answer = HookReply()
        switch reply.status {
        case nil, .nil?: break
        case .integer(let status)? where (200...299).contains(status): answer.status = Int(status)
        default: throw RuleFailure(message: "reply: status must be an integer from 200 to 299")
        }
        switch reply.headers {
        case nil, .nil?: break
        case .table(let fields)?:
            for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
                guard case .string(let text) = value else { throw RuleFailure(message: "reply: header \(name) must be a string") }
                answer.headers.append(HookReply.HeaderField(name: name, value: text))
            }
        default: throw RuleFailure(message: "reply: headers must be a table of names and values")
        }
        switch reply.body {
        case nil, .nil?: break
        case .string(let text)?: answer.body = Array(text.utf8)
        default: throw RuleFailure(message: "reply: body must be a string")
        }
        return answer
    }
}

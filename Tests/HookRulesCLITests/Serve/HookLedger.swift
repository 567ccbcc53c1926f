import Foundation
import Synchronization

/// What load clients sent and what the server acknowledged, hook by hook, and the check of a queue against it:
/// every acknowledged hook's requests are there (a 202's under the hook id it answered), no hook is there in part,
/// no request twice, nothing nobody sent.
final class HookLedger: Sendable {
    enum Acknowledgement: Sendable, Equatable {
        /// 202: its requests are committed under this hook id.
        case accepted(hook: String)
        /// 200 with `"duplicate": true`: an earlier send of it was committed.
        case duplicate
    }

    struct Record: Sendable {
        let hook: LoadHook
        var acknowledgement: Acknowledgement?
        var sends = 0
        /// When it was first sent, and when its acknowledgement arrived.
        var firstSent: ContinuousClock.Instant?
        var acknowledged: ContinuousClock.Instant?
    }

    private struct State {
        var records: [Record] = []
        /// Hooks sent and not acknowledged, to send again, oldest first.
        var toResend: [Int] = []
        /// Answers no sender should get (anything but a 2xx, a connection error, 429 or 503).
        var unexpected: [String] = []
        /// Sends that got no answer (the connection failed or was cut), and 429 or 503 answers.
        var unanswered = 0
        var refused = 0
        /// Sends made and not answered (nor failed) yet.
        var inFlight = 0
        /// While set, nothing is handed out to send.
        var paused = false
    }

    private let state = Mutex(State())
    private let make: @Sendable (UInt64) -> LoadHook

    /// - Parameter make: the hook numbered n (from 0), made when the load needs a new one.
    init(_ make: @escaping @Sendable (UInt64) -> LoadHook = LoadHook.mixed) {
        self.make = make
    }

    /// The next hook to send: one not acknowledged yet, else (when `newHooks`) a new one; nil when there is none
    /// or sending is paused.
    func take(newHooks: Bool = true) -> (index: Int, hook: LoadHook)? {
        state.withLock { state in
            guard !state.paused else { return nil }
            let index: Int
            if !state.toResend.isEmpty {
                index = state.toResend.removeFirst()
            } else if newHooks {
                state.records.append(Record(hook: make(UInt64(state.records.count))))
                index = state.records.count - 1
            } else {
                return nil
            }
            state.records[index].sends += 1
            state.inFlight += 1
            if state.records[index].firstSent == nil { state.records[index].firstSent = .now }
            return (index, state.records[index].hook)
        }
    }

    /// Records the server's answer to a send of hook `index`, or nil when the connection failed before one came.
    func answered(_ index: Int, _ answer: ServeClient.Answer?) {
        let json = answer?.json ?? [:]
        state.withLock { state in
            state.inFlight -= 1
            guard let answer, answer.isSuccess else {
                switch answer?.status {
                case nil: state.unanswered += 1
                case 429?, 503?: state.refused += 1
                case let status?: state.unexpected.append("\(status) \(answer?.body ?? "")")
                }
                state.toResend.append(index)
                return
            }
            state.records[index].acknowledged = .now
            if answer.status == 202, let hook = json["hook"] as? String, json["duplicate"] as? Bool == false {
                state.records[index].acknowledgement = .accepted(hook: hook)
            } else if answer.status == 200, json["duplicate"] as? Bool == true {
                state.records[index].acknowledgement = .duplicate
            } else {
                state.unexpected.append("\(answer.status) \(answer.body)")
            }
        }
    }

    /// Stops handing out hooks (senders finish what they have in flight and stop), or starts again.
    func pause(_ paused: Bool) {
        state.withLock { $0.paused = paused }
    }

    /// Waits until `count` hooks were acknowledged after `instant` (since the start without one), while a load runs.
    /// - Throws: when that takes longer than `timeout`: the load is stuck.
    func waitForAcknowledgements(
        _ count: Int, after instant: ContinuousClock.Instant? = nil, timeout: Duration = .seconds(60)
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        func counts(_ record: Record) -> Bool {
            guard let acknowledged = record.acknowledged else { return false }
            return instant.map { acknowledged > $0 } ?? true
        }
        while records.filter(counts).count < count {
            guard ContinuousClock.now < deadline else {
                throw ServeProcessError(
                    "fewer than \(count) hooks acknowledged within \(timeout); answers: \(unexpectedAnswers.prefix(3))")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    var records: [Record] { state.withLock { $0.records } }
    var unexpectedAnswers: [String] { state.withLock { $0.unexpected } }
    /// Sends cut off without an answer, and sends answered 429 or 503.
    var unansweredSends: Int { state.withLock { $0.unanswered } }
    var refusedSends: Int { state.withLock { $0.refused } }
    var sendsInFlight: Int { state.withLock { $0.inFlight } }
    var acknowledgedCount: Int { records.filter { $0.acknowledgement != nil }.count }
    var unacknowledgedCount: Int { records.filter { $0.acknowledgement == nil }.count }

    /// Everything wrong with `queued` (a queue's requests) against what the server acknowledged. With `complete`,
    /// every hook must have been acknowledged and the queue must hold exactly their requests.
    func problems(in queued: [QueuedRequest], complete: Bool = false) -> [String] {
        var problems: [String] = []
        let byId = Dictionary(grouping: queued, by: \.externalId)
        for (id, queued) in byId where queued.count > 1 {
            problems.append("request \(id) is queued \(queued.count) times")
        }
        var known: Set<String> = []
        for (number, record) in records.enumerated() {
            let hook = record.hook
            known.formUnion(hook.expected.keys)
            let present = hook.expected.filter { byId[$0.key] != nil }
            let label = "hook \(number) (\(hook.sender.subscription), \(record.sends) send(s))"
            guard let acknowledgement = record.acknowledgement else {
                if complete { problems.append("\(label) was never acknowledged") }
                // Unacknowledged, it may or may not be committed, but never in part.
                if !present.isEmpty && present.count != hook.expected.count {
                    problems.append("\(label): only \(present.count) of its \(hook.expected.count) requests are queued")
                }
                continue
            }
            for (id, scopes) in hook.expected.sorted(by: { $0.key < $1.key }) {
                guard let entry = byId[id]?.first else {
                    problems.append("\(label), acknowledged as \(acknowledgement): request \(id) is not queued")
                    continue
                }
                if !scopes.contains(entry.scope) || entry.subscription != hook.sender.subscription {
                    problems.append(
                        "\(label): request \(id) is queued as \(entry.subscription) \(entry.scope), not \(scopes.sorted())")
                }
                if case .accepted(let hookId) = acknowledgement, entry.hookId != hookId {
                    problems.append("\(label): request \(id) carries hook \(entry.hookId ?? "nil"), the 202 said \(hookId)")
                }
                if hook.deduplicated && entry.coalesced > 0 {
                    problems.append(
                        "\(label): request \(id) was committed \(entry.coalesced + 1) times despite its delivery id")
                }
            }
        }
        for id in byId.keys where !known.contains(id) {
            problems.append("request \(id) is queued but no hook made it")
        }
        return problems
    }
}

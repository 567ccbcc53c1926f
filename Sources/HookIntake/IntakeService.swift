import Foundation
import HookModel
import HookQueue
import HookRules
import HookSignatures
import Logging
import Synchronization

/// The intake pipeline for one received hook, independent of HTTP: find its subscription, authenticate it, run its
/// rule, commit its requests (or, when the rule fails, the hook itself) with other hooks' in one transaction, and
/// only then say what to answer. A 2xx reply means the commit is durable.
///
/// Refused requests (unknown subscription, bad signature, too large) are kept as rejected hooks, capped, so the
/// operator can see what was refused and why; the sender only learns the status.
public final class IntakeService: Sendable {
    public struct Settings: Sendable {
        /// The largest body read, unless the integration sets its own.
        public var maxBodyBytes: Int
        /// Rejected hooks kept at most, and for how long.
        public var keptLimits: KeptHookLimits
        /// Rejected hooks being written at once at most; beyond, a rejection is only logged and counted (a flood of
        /// bad requests must not turn into a flood of writes).
        public var maxRejectionsInFlight: Int
        /// The server's public URL (`https://hooks.example.com`), for signature schemes that sign the URL the sender
        /// posted to; behind a proxy it differs from what the server sees. Without it, `http://` and the Host header.
        public var publicURL: String?

        public init(
            maxBodyBytes: Int = 10 << 20, keptLimits: KeptHookLimits = KeptHookLimits(), maxRejectionsInFlight: Int = 16,
            publicURL: String? = nil
        ) {
            self.maxBodyBytes = maxBodyBytes
            self.keptLimits = keptLimits
            self.maxRejectionsInFlight = maxRejectionsInFlight
            self.publicURL = publicURL
        }
    }

    public let engine: RuleEngine
    public let committer: GroupCommitter
    private let store: any HookIntakeStore
    private let authenticators: @Sendable (Subscription) -> RequestAuthenticator?
    private let settings: Settings
    private let capturer: HookCapturer?
    private let metrics: IntakeMetrics
    private let logger: Logger
    private let rejectionsInFlight = Atomic<Int>(0)

    /// - Parameters:
    ///   - authenticators: the authenticator of a subscription; nil refuses every request for it (the
    ///     configuration said nothing, which is never taken as "open").
    ///   - capturer: writes authenticated hooks as capture envelopes (`serve --capture`).
    public init(
        engine: RuleEngine, store: any HookIntakeStore, committer: GroupCommitter,
        authenticators: @escaping @Sendable (Subscription) -> RequestAuthenticator?,
        settings: Settings = Settings(), capturer: HookCapturer? = nil, metrics: IntakeMetrics, logger: Logger
    ) {
        self.engine = engine
        self.store = store
        self.committer = committer
        self.authenticators = authenticators
        self.settings = settings
        self.capturer = capturer
        self.metrics = metrics
        self.logger = logger
    }

    /// Why `received` is not authentic for `subscription`, or nil when it is. Timestamps are checked against `now`
    /// (a retried hook is checked as of when it arrived).
    func refusal(of received: ReceivedHook, for subscription: Subscription, now: Date) -> String? {
        guard let authenticator = authenticators(subscription) else {
            return "no authentication is configured for this subscription"
        }
        let base = settings.publicURL ?? "http://" + (received.headers["host"] ?? "localhost")
        let request = WebhookRequest(
            method: received.method, url: base + received.target, headers: received.headers, body: received.body)
        do {
            try authenticator.authenticate(request, now: now)
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// The most body bytes to read for a subscription's hooks: its rule's `limits.body_bytes` when the rule sets
    /// one, else the server's setting.
    public func maxBodyBytes(forSubscription id: String) -> Int {
        guard let integration = engine.subscriptions[id]?.integration,
            let declared = engine.book.rules[integration]?.intake.maxBodyBytes
        else { return settings.maxBodyBytes }
        return declared
    }

    /// Runs a received hook through authentication, its rule and the commit, and says what to answer.
    public func receive(_ received: ReceivedHook) async -> IntakeReply {
        guard let subscription = engine.subscriptions[received.subscription] else {
            return refuse(received, 404, .unknownSubscription, reason: "unknown subscription \"\(received.subscription)\"")
        }
        let methods = engine.book.rules[subscription.integration]?.intake.methods ?? ["POST"]
        guard methods.contains(received.method) else {
            if let answer = await handshake(received, for: subscription) { return answer }
            return refuse(
                received, 405, .method, reason: "\(received.method) is not accepted",
                reply: ["Allow": methods.sorted().joined(separator: ", ")])
        }
        if let refusal = refusal(of: received, for: subscription, now: Date()) {
            if let answer = await handshake(received, for: subscription) { return answer }
            return refuse(received, 401, .unauthorized, reason: refusal)
        }
        capturer?.capture(received, integration: subscription.integration)
        let ruleStarted = ContinuousClock.now
        let outcome = await engine.process(received.hook, subscription: subscription)
        metrics.ruleDuration(ContinuousClock.now - ruleStarted, integration: subscription.integration)
        return await commit(outcome, of: received, for: subscription)
    }

    /// The reply to a hook whose body was over the limit (the HTTP layer stops reading it); kept as rejected
    /// without its body.
    public func refuseTooLarge(_ received: ReceivedHook, limit: Int) -> IntakeReply {
        refuse(received, 413, .tooLarge, reason: "the body is over the limit of \(limit) bytes")
    }

    /// The rule's answer when the request is a handshake it recognises (nothing is committed), else nil.
    private func handshake(_ received: ReceivedHook, for subscription: Subscription) async -> IntakeReply? {
        switch await engine.handshake(received.hook, subscription: subscription) {
        case .success(let reply?):
            log(received, status: reply.status, outcome: "handshake")
            metrics.hook(integration: subscription.integration, subscription: subscription.id, outcome: "handshake")
            return IntakeReply(reply)
        case .success(nil):
            return nil
        case .failure(let failure):
            logger.warning("handshake failed", metadata: ["hook": "\(received.id)", "error": "\(failure)"])
            return nil
        }
    }

    private func commit(_ outcome: HookOutcome, of received: ReceivedHook, for subscription: Subscription) async -> IntakeReply {
        var record = IntakeRecord(subscription: subscription.id, delivery: outcome.delivery, requests: outcome.requests)
        if outcome.failed {
            record.kept = KeptHook(
                received, disposition: .failed, cause: outcome.errors.map(\.description).joined(separator: "\n"))
        }
        let commitStarted = ContinuousClock.now
        let result: IntakeResult
        do {
            result = try await committer.commit(record)
        } catch let error as IntakeOverloaded {
            return refuse(received, 503, .overloaded, reason: "\(error)", keep: false, reply: ["Retry-After": "1"])
        } catch {
            logger.error("commit failed", metadata: ["hook": "\(received.id)", "error": "\(error)"])
            return refuse(
                received, 503, .commitFailed, reason: "the hook could not be stored; retry later", keep: false,
                reply: ["Retry-After": "5"])
        }
        metrics.commitDuration(ContinuousClock.now - commitStarted)
        switch result {
        case .duplicate(let firstSeen):
            log(received, status: 200, outcome: "duplicate", ["first_seen": "\(firstSeen)"])
            metrics.hook(integration: subscription.integration, subscription: subscription.id, outcome: "duplicate")
            // A sender that needs an acknowledgement body gets it again: it redelivered because it missed it.
            if let reply = outcome.reply { return IntakeReply(reply) }
            return .json(200, [("hook", .string(received.id)), ("duplicate", .boolean(true))])
        case .committed:
            let name = outcome.failed ? "failed" : "accepted"
            var details: Logger.Metadata = ["requests": "\(outcome.made.count)", "ignored": "\(outcome.ignored.count)"]
            if outcome.failed { details["errors"] = "\(outcome.errors.count)" }
            log(received, status: 202, outcome: name, details)
            metrics.hook(integration: subscription.integration, subscription: subscription.id, outcome: name)
            var fields: [(String, JSONField)] = [
                ("hook", .string(received.id)), ("requests", .integer(outcome.made.count)),
                ("ignored", .integer(outcome.ignored.count)), ("duplicate", .boolean(false)),
            ]
            // A rule error is the integrator's to fix, not the sender's: a retry cannot help, so it is still a 2xx.
            if outcome.failed { fields.append(("kept", .string("the rule failed; the hook is kept for replay"))) }
            if let reply = outcome.reply { return IntakeReply(reply) }
            return .json(202, fields)
        }
    }

    private func refuse(
        _ received: ReceivedHook, _ status: Int, _ cause: RejectionCause, reason: String, keep: Bool = true,
        reply headers: [String: String] = [:]
    ) -> IntakeReply {
        metrics.rejection(cause)
        log(received, status: status, outcome: "rejected", ["cause": "\(cause.rawValue)", "reason": "\(reason)"])
        if keep { keepRejected(KeptHook(received, disposition: .rejected, cause: "\(cause.rawValue): \(reason)")) }
        let publicReason = cause == .unauthorized ? "unauthorized" : reason
        return .error(status, publicReason, headers: headers.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) })
    }

    /// Stores a rejected hook without holding up the reply; at most a few at once.
    private func keepRejected(_ hook: KeptHook) {
        guard rejectionsInFlight.add(1, ordering: .relaxed).newValue <= settings.maxRejectionsInFlight else {
            rejectionsInFlight.subtract(1, ordering: .relaxed)
            logger.warning("rejected hook not stored: too many being stored", metadata: ["hook": "\(hook.id)"])
            return
        }
        Task {
            defer { self.rejectionsInFlight.subtract(1, ordering: .relaxed) }
            do {
                try await self.store.keepRejected(hook, limits: self.settings.keptLimits)
            } catch {
                self.logger.warning("rejected hook not stored", metadata: ["hook": "\(hook.id)", "error": "\(error)"])
            }
        }
    }

    /// One line per hook: never a secret, a header value or the body.
    private func log(_ received: ReceivedHook, status: Int, outcome: String, _ details: Logger.Metadata = [:]) {
        var metadata: Logger.Metadata = [
            "hook": "\(received.id)", "subscription": "\(received.subscription)", "status": "\(status)",
            "outcome": "\(outcome)", "bytes": "\(received.body.count)",
        ]
        metadata.merge(details) { $1 }
        logger.info("hook", metadata: metadata)
    }
}

extension KeptHook {
    init(_ received: ReceivedHook, disposition: Disposition, cause: String) {
        self.init(
            id: received.id, subscription: received.subscription, disposition: disposition, cause: cause,
            receivedAt: received.receivedAt, method: received.method, target: received.target,
            headers: received.headers.fields.map { HeaderField(name: $0.name, value: $0.value) }, body: received.body)
    }
}

extension IntakeReply {
    /// The answer a rule declared (a handshake, an acknowledgement), sent only after the commit.
    init(_ reply: HookReply) {
        self.init(status: reply.status, headers: reply.headers.map { (name: $0.name, value: $0.value) }, body: reply.body)
    }
}

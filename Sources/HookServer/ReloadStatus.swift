import Synchronization

/// What the rules watcher last reported, for `/readyz`: a change that did not load keeps what was serving, and says
/// so here until a later change loads.
public final class ReloadStatus: Sendable {
    /// What of the last change did not load.
    public enum Rejection: Sendable, Equatable {
        /// The rules (or the subscriptions) did not load: the previous rules serve.
        case rules(String)
        /// The rules loaded, but the subscriptions' access settings did not (a missing secret variable, say): the
        /// new rules serve with the previous access settings.
        case access(String)

        /// The line `/readyz` shows.
        public var description: String {
            switch self {
            case .rules(let problems): "rules: the last change did not load, the previous rules serve: \(problems)"
            case .access(let problems):
                "subscriptions: the last change's access settings did not load, the previous ones apply: \(problems)"
            }
        }
    }

    private let rejection = Mutex<Rejection?>(nil)

    public init() {}

    public var lastRejected: Rejection? { rejection.withLock { $0 } }

    public func reloaded() { rejection.withLock { $0 = nil } }

    public func rejected(_ problems: [String]) { rejection.withLock { $0 = .rules(problems.joined(separator: "; ")) } }

    public func accessRejected(_ problems: [String]) {
        rejection.withLock { $0 = .access(problems.joined(separator: "; ")) }
    }
}

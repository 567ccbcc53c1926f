import Synchronization

/// What the rules watcher last reported, for `/readyz`: a change that did not load keeps the old rules serving,
/// and says so here until a later change loads.
public final class ReloadStatus: Sendable {
    private let rejected = Mutex<String?>(nil)

    public init() {}

    public var lastRejected: String? { rejected.withLock { $0 } }

    public func reloaded() { rejected.withLock { $0 = nil } }

    public func rejected(_ problems: [String]) { rejected.withLock { $0 = problems.joined(separator: "; ") } }
}

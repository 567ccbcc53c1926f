import HookModel

/// How many requests are in each state.
public struct QueueCounts: Sendable, Hashable {
    public var pending = 0
    public var claimed = 0
    public var dead = 0

    public init(pending: Int = 0, claimed: Int = 0, dead: Int = 0) {
        self.pending = pending
        self.claimed = claimed
        self.dead = dead
    }

    public var total: Int { pending + claimed + dead }

    public subscript(state: QueueState) -> Int {
        get {
            switch state {
            case .pending: pending
            case .claimed: claimed
            case .dead: dead
            }
        }
        set {
            switch state {
            case .pending: pending = newValue
            case .claimed: claimed = newValue
            case .dead: dead = newValue
            }
        }
    }
}

/// The queue's counts overall, by scope and by subscription. Completed requests have left the queue.
public struct QueueStats: Sendable, Hashable {
    public var total = QueueCounts()
    public var byScope: [Scope: QueueCounts] = [:]
    public var bySubscription: [String: QueueCounts] = [:]

    public init() {}

    /// Adds `count` requests of one (state, scope, subscription) group; backends feed their GROUP BY rows here.
    public mutating func add(_ count: Int, state: QueueState, scope: Scope, subscription: String) {
        total[state] += count
        byScope[scope, default: QueueCounts()][state] += count
        bySubscription[subscription, default: QueueCounts()][state] += count
    }
}

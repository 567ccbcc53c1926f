import HookQueue

/// How a ``TransferWorker`` runs.
public struct WorkerSettings: Sendable {
    /// Names the worker in the queue (`claimed by`) and to the target; unique per process.
    public var id: String
    /// Requests processed at the same time.
    public var concurrency = 4
    /// How long a claim is held without a heartbeat; heartbeats come every third of it.
    public var lease: Duration = .seconds(60)
    /// How long an idle worker waits for a wake-up before it looks at the queue again (requests may fall due, and
    /// other processes' work wakes only backends with notifications).
    public var idlePoll: Duration = .seconds(1)
    /// After a stop is requested, how long requests in flight may take to finish before they are cancelled and
    /// given back to the queue.
    public var grace: Duration = .seconds(10)
    /// Stop by itself once nothing is due and nothing is in flight (for scripts and tests).
    public var drain = false
    /// One delivery's deadline, from the moment its processing starts: the processor must finish all of it by then
    /// (for ``HTTPTarget``: connect, request, the response's headers and body). Past it the delivery is failed and
    /// retried like any timeout, and the heartbeat no longer renews its claim.
    public var deliveryTimeout: Duration = .seconds(30)
    /// How long one call to the queue may take before it counts as an outage: a connection can be gone without
    /// anyone saying so. Heartbeats are bounded by a third of the lease instead, when that is shorter.
    public var queueCallTimeout: Duration = .seconds(10)
    /// In an outage the worker tries its calls again after 100 ms, then twice as long each time, up to this.
    public var outageRetryLimit: Duration = .seconds(5)
    /// Give up (``WorkerError/queueUnavailable(for:reason:)``) once the queue has been out of reach this long; nil:
    /// wait for it however long it takes.
    public var maximumOutage: Duration?

    public init(id: String) {
        self.id = id
    }
}

/// What a worker did, by outcome.
public struct WorkerReport: Sendable, Hashable {
    public var done = 0
    public var retried = 0
    public var deadLettered = 0
    /// Claims whose lease was lost before they were settled (someone else has the request now).
    public var lost = 0
    /// Claims given back unprocessed at shutdown.
    public var released = 0
    /// Claims the worker could not settle before it stopped because the queue was out of reach: their leases
    /// expire and the requests are retried.
    public var unsettled = 0
    public var followUps = 0

    public init() {}

    /// The count of one settled claim.
    init(_ kind: WorkerEvent.Kind) {
        switch kind {
        case let .done(followUps):
            done = 1
            self.followUps = followUps
        case .retried: retried = 1
        case .deadLettered: deadLettered = 1
        case .leaseLost: lost = 1
        case .released: released = 1
        case .unsettled: unsettled = 1
        }
    }

    mutating func add(_ other: WorkerReport) {
        done += other.done
        retried += other.retried
        deadLettered += other.deadLettered
        lost += other.lost
        released += other.released
        unsettled += other.unsettled
        followUps += other.followUps
    }
}

/// One settled claim, for a log.
public struct WorkerEvent: Sendable {
    public enum Kind: Sendable, Hashable {
        case done(followUps: Int)
        case retried(error: String)
        case deadLettered(error: String)
        case leaseLost
        case released
        /// The queue stayed out of reach until the worker had to stop; `error` is its last failure.
        case unsettled(error: String)
    }

    public let claim: ClaimedRequestSummary
    public let kind: Kind
}

/// The parts of a claim a log line shows.
public struct ClaimedRequestSummary: Sendable, Hashable, CustomStringConvertible {
    public let id: String
    public let attempt: Int
    public let description: String
}

/// Why a worker stopped before it was asked to.
public enum WorkerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The queue was out of reach for longer than ``WorkerSettings/maximumOutage``.
    case queueUnavailable(for: Duration, reason: String)

    public var description: String {
        switch self {
        case let .queueUnavailable(duration, reason):
            "the queue has been out of reach for \(duration.secondsText), longer than allowed: \(reason)"
        }
    }
}

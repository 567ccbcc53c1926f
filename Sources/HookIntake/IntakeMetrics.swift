import CoreMetrics

/// The intake's metrics, made through one factory (the server's Prometheus registry; tests pass their own), never
/// the process-wide bootstrap: several servers in one process (the tests) each count their own.
public struct IntakeMetrics: Sendable {
    let factory: any MetricsFactory

    public init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// A hook that reached its commit: `accepted`, `failed` (its rule failed; kept for replay) or `duplicate`.
    func hook(integration: String, subscription: String, outcome: String) {
        Counter(
            label: "hookrules_hooks_total",
            dimensions: [("integration", integration), ("subscription", subscription), ("outcome", outcome)],
            factory: factory
        ).increment()
    }

    /// A request refused before the rule ran (or whose commit failed), by cause.
    func rejection(_ cause: RejectionCause) {
        Counter(label: "hookrules_rejections_total", dimensions: [("cause", cause.rawValue)], factory: factory).increment()
    }

    func ruleDuration(_ duration: Duration, integration: String) {
        Timer(label: "hookrules_rule_duration_seconds", dimensions: [("integration", integration)], factory: factory)
            .record(duration: duration)
    }

    func commitDuration(_ duration: Duration) {
        Timer(label: "hookrules_commit_duration_seconds", factory: factory).record(duration: duration)
    }

    /// One transaction of the group committer and how many records (hooks, transfer calls) it held: its count is
    /// the number of durable commits, its sum the records they carried.
    func transaction(records: Int) {
        Recorder(label: Self.batchRecords, factory: factory).record(records)
    }

    /// The name of the records-per-transaction histogram, for a factory that sets its buckets.
    public static let batchRecords = "hookrules_commit_batch_records"
}

extension Timer {
    func record(duration: Duration) {
        let (seconds, attoseconds) = duration.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

/// Why a request was refused, as metrics and logs name it.
public enum RejectionCause: String, Sendable, CaseIterable {
    case unknownSubscription = "unknown_subscription"
    case method
    case unauthorized
    case tooLarge = "too_large"
    case overloaded
    case commitFailed = "commit_failed"
}

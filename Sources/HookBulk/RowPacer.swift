/// Keeps an enqueue run at or under a rate of rows per second (`--rate`), measured from the run's first batch.
struct RowPacer {
    let rowsPerSecond: Double
    private let clock = ContinuousClock()
    private var start: ContinuousClock.Instant?
    private var rowsSent = 0

    init(rowsPerSecond: Double) {
        self.rowsPerSecond = rowsPerSecond
    }

    /// Batches small enough that the run moves at least ten times a second (and no larger than `limit`), so a
    /// slow rate trickles steadily instead of sending a big batch and pausing.
    func batchRows(upTo limit: Int) -> Int {
        max(1, min(limit, Int(rowsPerSecond / 10)))
    }

    /// Sleeps until the rows sent so far have had their time: the next batch may go then.
    mutating func waitForTurn() async throws {
        let start = self.start ?? clock.now
        self.start = start
        let due = start + .seconds(Double(rowsSent) / rowsPerSecond)
        if due > clock.now { try await clock.sleep(until: due) }
    }

    mutating func sent(_ rows: Int) {
        rowsSent += rows
    }
}

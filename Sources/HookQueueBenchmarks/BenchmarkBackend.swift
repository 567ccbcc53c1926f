/// One backend's side of every case: through its queue and through plain SQL on the same kind of storage, each case
/// on fresh storage named by `storage`.
protocol BenchmarkBackend {
    /// What runs, printed before the table.
    var summary: String { get }
    /// How the two sides run, printed after the table.
    var notes: String { get }

    func queueEnqueue(storage: String, batch: Int, shape: BenchmarkRequests.Shape, seconds: Double) async throws -> Rate
    func rawEnqueue(storage: String, batch: Int, shape: BenchmarkRequests.Shape, seconds: Double) async throws -> Rate
    /// With `oneWorker`, the workers are slots of one worker: they claim under one worker id (``QueueSide/claimAndAck(_:items:workers:batch:oneWorker:)``).
    func queueClaimAndAck(storage: String, items: Int, workers: Int, batch: Int, oneWorker: Bool) async throws -> Rate
    /// The reference first (unnamed), then any other loop shown beside it.
    func rawClaimAndDelete(storage: String, items: Int, workers: Int, batch: Int) async throws -> [ReferenceRate]

    /// Removes every case's storage.
    func removeStorage() async throws
}

/// A plain-SQL rate; `name` tells a loop other than the reference apart in the report.
struct ReferenceRate {
    var name: String? = nil
    let rate: Rate
}

/// One backend's side of every case: through its queue and through plain SQL on the same kind of storage, each case
/// on fresh storage named by `storage`.
protocol BenchmarkBackend {
    /// What runs, printed before the table.
    var summary: String { get }
    /// How the two sides run, printed after the table.
    var notes: String { get }

    func queueEnqueue(storage: String, batch: Int, shape: BenchmarkRequests.Shape, seconds: Double) async throws -> Rate
    func rawEnqueue(storage: String, batch: Int, shape: BenchmarkRequests.Shape, seconds: Double) async throws -> Rate
    func queueClaimAndAck(storage: String, items: Int, workers: Int, batch: Int) async throws -> Rate
    func rawClaimAndDelete(storage: String, items: Int, workers: Int, batch: Int) async throws -> Rate

    /// Removes every case's storage.
    func removeStorage() async throws
}

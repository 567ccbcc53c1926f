import HookQueue
import Testing

/// Storage a contract test owns: fresh and empty when made, removed when the test ends.
protocol QueueStore: Sendable {
    /// Opens a handle on this storage. Several may be open at once, as several processes would have them.
    func open(clock: any QueueClock, policy: RetryPolicy) async throws -> any TransferQueue
    /// Removes the storage; every handle has been closed.
    func remove() async throws
}

/// One backend the contract suite runs against: a name and a way to make fresh storage.
struct QueueBackend: Sendable, CustomTestStringConvertible {
    let name: String
    let makeStore: @Sendable () async throws -> any QueueStore

    var testDescription: String { name }
}

enum QueueBackends {
    /// Every backend the contract suite runs against. A new backend is one more entry here (and its QueueStore).
    static let all: [QueueBackend] = [.sqlite, .postgres]
}

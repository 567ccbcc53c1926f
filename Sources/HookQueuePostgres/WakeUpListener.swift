import HookQueue
import PostgresNIO

/// Holds one pooled connection in `LISTEN` on the queue's channel and signals a ``WorkSignal`` on every notification,
/// so ``PostgresTransferQueue/waitForWork(timeout:)`` returns when any process makes work.
///
/// When the connection drops, the listener signals (notifications may have been missed meanwhile, and a spurious
/// wake-up costs one empty claim) and listens again after a pause, until it is stopped.
final class WakeUpListener: Sendable {
    private let task: Task<Void, Never>

    /// Starts listening; returns once the server has confirmed the first `LISTEN`, so any commit that notifies after
    /// this returns wakes the signal. Throws when that first `LISTEN` fails.
    init(client: PostgresClient, channel: String, signal: WorkSignal) async throws {
        let (established, confirm) = AsyncStream.makeStream(of: Result<Void, PostgresQueueError>.self)
        task = Task {
            defer { confirm.finish() }
            var listenedBefore = false
            while !Task.isCancelled {
                do {
                    try await PostgresQueueError.readable {
                        try await client.withConnection { connection in
                            try await connection.listen(on: channel) { notifications in
                                if listenedBefore { signal.signal() } else { confirm.yield(.success(())) }
                                listenedBefore = true
                                for try await _ in notifications { signal.signal() }
                            }
                        }
                    }
                } catch {
                    guard listenedBefore else {
                        confirm.yield(.failure(error as? PostgresQueueError ?? PostgresQueueError(message: "\(error)")))
                        return
                    }
                }
                guard !Task.isCancelled else { return }
                signal.signal()
                try? await Task.sleep(for: .seconds(1))
            }
        }
        for await outcome in established {
            do {
                try outcome.get()
            } catch {
                task.cancel()
                throw error
            }
            return
        }
        throw PostgresQueueError(message: "the LISTEN connection ended before it was confirmed")
    }

    /// Stops listening and returns once the listening connection is back in the pool.
    func stop() async {
        task.cancel()
        await task.value
    }

    deinit {
        task.cancel()
    }
}

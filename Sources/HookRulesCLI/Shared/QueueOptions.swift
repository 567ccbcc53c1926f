import ArgumentParser
import HookQueue
import HookQueueLocation

/// `--queue LOCATION`: where the dispatch queue lives, for every command that reads or writes it.
struct QueueOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Where the dispatch queue lives: a folder for the embedded SQLite queue, or a postgres:// URL.",
        discussion: "Default: $\(QueueLocation.environmentVariable), else ./\(QueueLocation.defaultFolder).",
        valueName: "location"))
    var queue: String?

    /// The location in use, after the environment and the default.
    var location: QueueLocation { QueueLocation.resolve(queue) }

    /// Opens the queue, creating (or migrating) it when needed. With `readOnly`, an SQLite queue is opened to read
    /// only: nothing is created or written, so inspecting works on a read-only folder.
    func open(
        policy: RetryPolicy = .standard, readOnly: Bool = false
    ) async throws(CommandFailure) -> any TransferQueue & HookIntakeStore {
        do {
            return try await location.open(policy: policy, readOnly: readOnly)
        } catch {
            throw CommandFailure("\(error)")
        }
    }

    /// Opens the queue, runs `body`, closes it; a queue error is a failure.
    func withQueue<T>(
        readOnly: Bool = false, _ body: (any TransferQueue & HookIntakeStore) async throws -> T
    ) async throws(CommandFailure) -> T {
        let queue = try await open(readOnly: readOnly)
        do {
            let result = try await body(queue)
            try await queue.close()
            return result
        } catch let failure as CommandFailure {
            try? await queue.close()
            throw failure
        } catch {
            try? await queue.close()
            throw CommandFailure("\(error)")
        }
    }
}

import ArgumentParser
import Foundation
import HookQueue
import HookQueuePostgres
import HookQueueSQLite

/// `--queue LOCATION`: where the dispatch queue lives, for every command that reads or writes it.
struct QueueOptions: ParsableArguments {
    static let environmentVariable = "HOOKRULES_QUEUE"
    static let defaultFolder = "hookrules-data"

    @Option(help: ArgumentHelp(
        "Where the dispatch queue lives: a folder for the embedded SQLite queue, or a postgres:// URL.",
        discussion: "Default: $\(QueueOptions.environmentVariable), else ./\(QueueOptions.defaultFolder).",
        valueName: "location"))
    var queue: String?

    /// The location in use, after the environment and the default.
    var location: String {
        queue ?? ProcessInfo.processInfo.environment[Self.environmentVariable] ?? Self.defaultFolder
    }

    /// Whether the location names a PostgreSQL server rather than a folder.
    var isPostgres: Bool { location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") }

    /// The location as messages show it: a URL without its password.
    var displayName: String {
        guard isPostgres else { return location }
        return (try? PostgresQueueConfiguration(url: location).redactedURL) ?? "the PostgreSQL URL given"
    }

    /// Opens the queue, creating (or migrating) it when needed; a failure is a printed error and a failed exit.
    func open(policy: RetryPolicy = .standard) async throws -> any TransferQueue {
        do {
            if isPostgres { return try await PostgresTransferQueue(url: location, policy: policy) }
            return try SQLiteTransferQueue(folder: URL(fileURLWithPath: location, isDirectory: true), policy: policy)
        } catch {
            printError("cannot open the queue at \(displayName): \(error)")
            throw ExitCode.failure
        }
    }
}

extension QueueOptions {
    /// Opens the queue, runs `body`, closes it; a queue error is a printed error and a failed exit.
    func withQueue<T>(_ body: (any TransferQueue) async throws -> T) async throws -> T {
        let queue = try await open()
        do {
            let result = try await body(queue)
            try await queue.close()
            return result
        } catch {
            try? await queue.close()
            printError("\(error)")
            throw ExitCode.failure
        }
    }
}

import Foundation
import HookQueue
import HookQueuePostgres
import HookQueueSQLite

/// Where the dispatch queue lives, as an operator writes it: a folder for the embedded SQLite queue, or a
/// `postgres://` (`postgresql://`) URL for a queue shared by many hosts. The one place that picks a backend, for
/// every command and the intake server.
public struct QueueLocation: Sendable, Hashable, CustomStringConvertible {
    /// The environment variable a location is read from when none is given.
    public static let environmentVariable = "HOOKRULES_QUEUE"
    /// The folder used when neither a location nor the environment names one.
    public static let defaultFolder = "hookrules-data"

    public let text: String

    public init(_ text: String) {
        self.text = text
    }

    /// The location given, else `$HOOKRULES_QUEUE`, else `./hookrules-data`.
    public static func resolve(
        _ given: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> QueueLocation {
        QueueLocation(given ?? environment[environmentVariable] ?? defaultFolder)
    }

    /// Whether the location names a PostgreSQL server rather than a folder.
    public var isPostgres: Bool { text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") }

    /// The location as messages show it: a URL without its password.
    public var description: String {
        guard isPostgres else { return text }
        return (try? PostgresQueueConfiguration(url: text).redactedURL) ?? "the PostgreSQL URL given"
    }

    /// Opens the queue, creating (or migrating) its tables when needed. Both backends keep the intake server's
    /// records (``HookIntakeStore``) beside the queue.
    /// - Parameter readOnly: open an SQLite queue to read only (nothing is created, migrated or written), for
    ///   inspecting a queue in a folder the process may not write to.
    public func open(
        policy: RetryPolicy = .standard, readOnly: Bool = false
    ) async throws(QueueOpenError) -> any TransferQueue & HookIntakeStore {
        do {
            if isPostgres { return try await PostgresTransferQueue(url: text, policy: policy) }
            let folder = URL(fileURLWithPath: text, isDirectory: true)
            if readOnly { return try SQLiteTransferQueue(readingFolder: folder, policy: policy) }
            return try SQLiteTransferQueue(folder: folder, policy: policy)
        } catch {
            throw QueueOpenError(location: description, reason: "\(error)")
        }
    }
}

/// Why a queue could not be opened: the location (without its password) and the backend's reason.
public struct QueueOpenError: Error, Sendable, CustomStringConvertible {
    public let location: String
    public let reason: String

    public var description: String { "cannot open the queue at \(location): \(reason)" }
}

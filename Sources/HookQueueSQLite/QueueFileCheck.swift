import Foundation
import GRDB

/// Checks a queue file with SQLite's `PRAGMA quick_check` when a handle opens it, so a damaged file is reported at
/// once with what to do (``SQLiteQueueError/damaged(path:problems:)``) rather than accepting writes that land next to
/// the damage and fail later, or never.
///
/// The quick check reads every page of the file and verifies the b-tree structure of every table and index, but not
/// that each index matches its table (that is `integrity_check`, several times slower). A queue file holds pending,
/// claimed and dead requests only (completed ones are deleted), so it stays small: see docs/queue.md for the cost.
///
/// A file about to be opened for writing is checked on a read-only connection of its own first: opening the pool may
/// write (GRDB makes sure a WAL exists by committing a tiny transaction), and nothing must be written to a damaged file.
enum QueueFileCheck {
    /// Checks the file at `path`, if there is one, before anything opens it for writing.
    static func verifyBeforeWriting(path: String, busyTimeout: TimeInterval) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        var configuration = Configuration()
        configuration.readonly = true
        // Another process may be creating or migrating the file right now.
        configuration.busyMode = .timeout(busyTimeout)
        let connection = try reportingDamage(path: path) { try DatabaseQueue(path: path, configuration: configuration) }
        defer { try? connection.close() }
        try verify(connection, path: path)
    }

    static func verify(_ reader: some DatabaseReader, path: String) throws {
        let findings = try reportingDamage(path: path) {
            try reader.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check(20)") }
        }
        guard findings == ["ok"] else { throw SQLiteQueueError.damaged(path: path, problems: findings) }
    }

    /// Runs `body`, turning SQLite's own "this file is damaged" errors (`SQLITE_CORRUPT`, `SQLITE_NOTADB`: a page so
    /// broken that reading it fails) into ``SQLiteQueueError/damaged(path:problems:)``.
    static func reportingDamage<T>(path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError where [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(error.resultCode.primaryResultCode) {
            throw SQLiteQueueError.damaged(path: path, problems: [error.message ?? "\(error.resultCode)"])
        }
    }
}

import Foundation
import GRDB
import Synchronization

/// What the SQLite queue does when the disk holding it is full.
///
/// A write on a full disk fails whole (SQLite rolls it back; nothing of it was accepted). What SQLite does not do by
/// itself is give the write-ahead log back: its automatic checkpoint copies the WAL into the database only after a
/// commit, needs room for the database to grow by the WAL's new pages, and leaves the WAL file at its size. So after a
/// full disk, each write first checkpoints with `TRUNCATE` (the WAL copied into the database, then cut to nothing): while
/// that fails for lack of room the write is refused at once, before it appends to the WAL, so the WAL stops growing;
/// once the operator has freed enough, the checkpoint succeeds and the queue carries on by itself.
final class FullDisk: Sendable {
    private let wasFull = Atomic(false)

    /// Before a write after a full disk: checkpoints and truncates the WAL, or throws
    /// ``SQLiteQueueError/diskFull(path:walBytes:)`` while there is still no room.
    func checkpointFirst(_ db: Database, path: String) throws {
        guard wasFull.load(ordering: .relaxed) else { return }
        do {
            let (frames, checkpointed) = try db.checkpoint(.truncate)
            // A reader still on an older snapshot keeps part of the WAL: the write may go on, and the next one tries
            // again to truncate.
            if checkpointed >= frames { wasFull.store(false, ordering: .relaxed) }
        } catch let error as DatabaseError where error.resultCode.primaryResultCode == .SQLITE_FULL {
            throw SQLiteQueueError.diskFull(path: path, walBytes: Self.walSize(path))
        }
    }

    /// `error` as a ``SQLiteQueueError``; a full disk is remembered, so the next write checkpoints first.
    func readable(_ error: DatabaseError, path: String) -> SQLiteQueueError {
        guard error.resultCode.primaryResultCode == .SQLITE_FULL else {
            return .failed(path: path, resultCode: error.resultCode.rawValue, message: error.message ?? "\(error.resultCode)")
        }
        wasFull.store(true, ordering: .relaxed)
        return .diskFull(path: path, walBytes: Self.walSize(path))
    }

    private static func walSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? Int) ?? 0
    }
}

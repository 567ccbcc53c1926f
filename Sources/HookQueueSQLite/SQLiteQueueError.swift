import GRDB

/// Why an SQLite queue file cannot be used, with what the operator does about it.
public enum SQLiteQueueError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Opening to read only, and there is no queue file (nothing was ever enqueued there).
    case missing(path: String)
    /// SQLite's own check found the file damaged (`problems` are its first findings).
    case damaged(path: String, problems: [String])
    /// The disk holding the file is full: the write was refused and nothing of it was kept. `walBytes` is the size
    /// of the write-ahead log, which SQLite must copy into the database before it truncates it.
    case diskFull(path: String, walBytes: Int)
    /// SQLite refused a statement (its result code and message; the queue's statements themselves are long and say
    /// nothing an operator can act on).
    case failed(path: String, resultCode: Int32, message: String)
    /// Opening to read only a file whose schema is not the one this build reads (`applied`: the migrations the file
    /// has).
    case unknownSchema(path: String, applied: [String])

    public var description: String {
        switch self {
        case let .missing(path):
            "no queue at \(path): nothing has been enqueued there (is --queue right?)"
        case let .damaged(path, problems):
            """
            the queue file \(path) is damaged; nothing was read from it or written to it. SQLite's quick check \
            found: \(problems.prefix(3).joined(separator: "; "))\(problems.count > 3 ? " (and more)" : ""). What to \
            do: stop every hookrules process using it, keep a copy of its folder, then rebuild the file from what \
            can still be read (`sqlite3 \(path) .recover | sqlite3 \(path).recovered`, check it with `sqlite3 \
            \(path).recovered 'PRAGMA integrity_check'`, and move it in place of \(path), removing its -wal and \
            -shm files); or restore it from a backup. Requests that were only in the damaged pages are lost: \
            replay their captures or re-run their bulk import.
            """
        case let .diskFull(path, walBytes):
            """
            the disk holding \(path) is full: nothing was written. Before it takes writes again the queue moves its \
            write-ahead log (\(Self.megabytes(walBytes)), \(path)-wal) into the database and truncates it, which \
            needs about that much free space: free at least that much, more for new requests; the queue carries on \
            by itself (do not delete the -wal or -shm file: that loses requests)
            """
        case let .failed(path, resultCode, message):
            "SQLite error \(resultCode) on \(path): \(message)"
        case let .unknownSchema(path, applied):
            "the queue file \(path) has the schema migrations \(applied), not the ones this build reads: open it "
                + "once with a command that writes (after updating hookrules if it was made by a newer one)"
        }
    }

    /// Whether the disk, the file system or another process's lock stands in the way, rather than the statement or
    /// the file: the same call may succeed later.
    public var isOutage: Bool {
        switch self {
        case .diskFull: true
        case let .failed(_, resultCode, _):
            [.SQLITE_IOERR, .SQLITE_BUSY, .SQLITE_FULL].contains(ResultCode(rawValue: resultCode).primaryResultCode)
        case .missing, .damaged, .unknownSchema: false
        }
    }

    private static func megabytes(_ bytes: Int) -> String {
        bytes < 1024 * 1024 ? "\(max(1, bytes / 1024)) KiB" : "\((bytes + 512 * 1024) / (1024 * 1024)) MiB"
    }
}

import Foundation
import GRDB
import HookQueue

/// The embedded dispatch queue: one SQLite file under a data folder, through GRDB.
///
/// The file is in WAL mode with `synchronous = FULL`, so a commit, and with it an ``enqueue(_:)``, returns only
/// once the WAL is on disk: an accepted request survives a crash or a power loss. Writers begin with
/// `BEGIN IMMEDIATE`, so several processes sharing the file queue for the write lock (up to the busy timeout)
/// instead of failing on a lock upgrade. Readers (``stats()``, ``list(state:limit:)``) do not block writers.
///
/// The semantics are those of ``TransferQueue``; docs/queue.md describes them and the schema.
public final class SQLiteTransferQueue: TransferQueue {
    /// The database file's name inside the data folder.
    public static let fileName = "queue.sqlite"

    let pool: DatabasePool
    let clock: any QueueClock
    let policy: RetryPolicy
    /// Wakes this process's ``waitForWork(timeout:)`` callers when this handle makes work.
    let workArrived = WorkSignal()
    /// What the handle does after the disk was full.
    let fullDisk = FullDisk()

    /// The database file.
    public var path: String { pool.path }

    /// Opens (creating when missing) `folder/queue.sqlite`, checks it (``QueueFileCheck``: a damaged file is
    /// ``SQLiteQueueError/damaged(path:problems:)``, reported with what to do) and migrates it to the current schema.
    /// - Parameters:
    ///   - busyTimeout: how long a write waits for another process's write lock before failing.
    public init(
        folder: URL, clock: any QueueClock = SystemQueueClock(), policy: RetryPolicy = .standard,
        busyTimeout: TimeInterval = 10
    ) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        let path = folder.appendingPathComponent(Self.fileName).path
        // One handle at a time, across processes, checks, opens and migrates the file: switching a new file to WAL
        // needs the file to itself, so another handle's check connection beside it would make it fail.
        pool = try MigrationLock.holding(in: folder) {
            try QueueFileCheck.verifyBeforeWriting(path: path, busyTimeout: busyTimeout)
            return try QueueFileCheck.reportingDamage(path: path) {
                let pool = try DatabasePool(path: path, configuration: configuration)
                try Self.configureWriter(pool)
                try QueueSchema.migrator.migrate(pool)
                return pool
            }
        }
        self.clock = clock
        self.policy = policy
    }

    /// Opens an existing `folder/queue.sqlite` to read it only (``stats()``, ``list(state:limit:)``): nothing is
    /// created, migrated or written, so it works on a read-only folder or file system and beside running workers.
    /// Writing through the handle fails. Throws ``SQLiteQueueError`` when there is no file, it is damaged, or its
    /// schema is not this build's.
    public init(
        readingFolder folder: URL, clock: any QueueClock = SystemQueueClock(), policy: RetryPolicy = .standard
    ) throws {
        let path = folder.appendingPathComponent(Self.fileName).path
        guard FileManager.default.fileExists(atPath: path) else { throw SQLiteQueueError.missing(path: path) }
        pool = try QueueFileCheck.reportingDamage(path: path) { try ReadOnlyOpening.open(path) }
        self.clock = clock
        self.policy = policy
        try QueueFileCheck.verify(pool, path: path)
        let applied = try pool.read { db in try QueueSchema.migrator.appliedIdentifiers(db) }
        guard applied == Set(QueueSchema.migrator.migrations) else {
            throw SQLiteQueueError.unknownSchema(path: path, applied: applied.sorted())
        }
    }

    /// Settings of the pool's one writer connection, the only one that commits.
    ///
    /// `synchronous = FULL`: it cannot go in `Configuration.prepareDatabase`, as opening the pool switches the file to
    /// WAL after that and sets NORMAL, which may lose the last commits on a power loss.
    ///
    /// `journal_size_limit`: once a checkpoint has copied the WAL into the database, SQLite starts the WAL over but
    /// keeps its file at the largest size it ever reached, unless this limit truncates it. Without it, a WAL that grew
    /// while checkpoints could not finish (a long reader, a nearly full disk) kept that space for good.
    private static func configureWriter(_ pool: DatabasePool) throws {
        let (synchronous, sizeLimit) = try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA journal_size_limit = \(walSizeLimit)")
            return (try Int.fetchOne(db, sql: "PRAGMA synchronous"), try Int.fetchOne(db, sql: "PRAGMA journal_size_limit"))
        }
        guard synchronous == 2 else {
            throw DatabaseError(message: "could not set synchronous = FULL (got \(synchronous.map(String.init) ?? "nothing"))")
        }
        guard sizeLimit == walSizeLimit else {
            throw DatabaseError(message: "could not set journal_size_limit (got \(sizeLimit.map(String.init) ?? "nothing"))")
        }
    }

    /// The size the WAL file is truncated to after a checkpoint: four times what SQLite lets it reach before it
    /// checkpoints by itself (1,000 pages of 4 KiB), so a WAL in its normal cycle is never cut (reusing the file's
    /// space is cheaper than growing it again with every commit synced) and only one that grew abnormally is.
    static let walSizeLimit = 16 * 1024 * 1024

    public func close() async throws {
        try pool.close()
    }

    /// Reads the file's header (`PRAGMA schema_version`): SQLite has no connection to lose, but a file that became
    /// unreadable fails here.
    public func probe() async throws {
        _ = try await read { db in try Int.fetchOne(db, sql: "PRAGMA schema_version") }
    }

    /// A full disk, an I/O error, or another process holding the write lock past the busy timeout: the file is
    /// fine, and the same call may succeed once there is room again or the lock is free.
    public func isOutage(_ error: any Error) -> Bool {
        (error as? SQLiteQueueError)?.isOutage ?? false
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction with the clock's current time in microseconds, read once the
    /// write lock is held; commits when it returns, rolls back when it throws. SQLite's errors are thrown as
    /// ``SQLiteQueueError``s; after a full disk, the write first waits for room to checkpoint (``FullDisk``).
    func write<T: Sendable>(_ body: @escaping @Sendable (Database, _ now: Int64) throws -> T) async throws -> T {
        try await readable {
            try await self.pool.writeWithoutTransaction { [clock, fullDisk, path] db in
                try fullDisk.checkpointFirst(db, path: path)
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db, Microseconds.of(clock.now()))
                    return .commit
                }
                guard let result else { preconditionFailure("a committed transaction always produced a result") }
                return result
            }
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await readable { try await self.pool.read(body) }
    }

    /// Runs `body`, turning SQLite's errors into ``SQLiteQueueError``s; the queue's own errors pass as they are.
    private func readable<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as DatabaseError {
            throw fullDisk.readable(error, path: path)
        }
    }
}

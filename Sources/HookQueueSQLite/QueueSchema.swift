import GRDB

/// The queue's tables and indexes, as GRDB migrations: append a migration, never edit a shipped one.
enum QueueSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 queue_item") { db in
            try db.execute(sql: version1)
        }
        migrator.registerMigration("v2 import_checkpoint") { db in
            try db.execute(sql: version2)
        }
        migrator.registerMigration("v3 queue_item state check without IN") { db in
            try rebuildForVersion3(db)
        }
        migrator.registerMigration("v4 hook_delivery and kept_hook") { db in
            try db.execute(sql: version4)
        }
        return migrator
    }

    /// Times are integer microseconds since 1970 from the queue's clock. Booleans are 0/1. `id` uses AUTOINCREMENT
    /// so an id is never reused: (id, attempt) fences claims, and a reused id could let a stale claim settle a new
    /// request. `retry_base` is the attempt count when the current round of attempts began (a retry from the dead
    /// letter, or a release, moves it), so `attempt - retry_base` is what the retry policy counts.
    static let version1 = """
        CREATE TABLE queue_item (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            subscription TEXT NOT NULL,
            integration TEXT NOT NULL,
            scope TEXT NOT NULL,
            direction TEXT NOT NULL,
            external_id TEXT NOT NULL,
            child_request INTEGER NOT NULL,
            parent_kind TEXT,
            parent_external_id TEXT,
            origin_kind TEXT,
            origin_external_id TEXT,
            delete_triggered INTEGER NOT NULL,
            hook_id TEXT,
            debug INTEGER NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('pending', 'claimed', 'dead')),
            attempt INTEGER NOT NULL DEFAULT 0,
            retry_base INTEGER NOT NULL DEFAULT 0,
            coalesced INTEGER NOT NULL DEFAULT 0,
            enqueued_at INTEGER NOT NULL,
            due_at INTEGER NOT NULL,
            lease_expires_at INTEGER,
            worker TEXT,
            last_error TEXT,
            CHECK ((parent_kind IS NULL) = (parent_external_id IS NULL)),
            CHECK ((origin_kind IS NULL) = (origin_external_id IS NULL)),
            CHECK ((state = 'claimed') = (lease_expires_at IS NOT NULL))
        ) STRICT;

        -- Coalescing: at most one pending row per key; enqueue upserts against it.
        CREATE UNIQUE INDEX queue_item_pending_key
            ON queue_item (subscription, scope, external_id, direction) WHERE state = 'pending';
        -- Claiming: a range scan per debug value over due pending rows, in due order; DESC on debug so listing the
        -- pending rows in priority order reads the index without a sort.
        CREATE INDEX queue_item_ready ON queue_item (debug DESC, due_at, id) WHERE state = 'pending';
        -- Rescue: claimed rows by lease expiry.
        CREATE INDEX queue_item_lease ON queue_item (lease_expires_at) WHERE state = 'claimed';
        -- The dead letter, for listing and retrying it without a scan of the live queue.
        CREATE INDEX queue_item_dead ON queue_item (id) WHERE state = 'dead';
        """

    /// Bulk imports' progress (see `ImportCheckpoint`).
    static let version2 = """
        CREATE TABLE import_checkpoint (
            import_key TEXT PRIMARY KEY,
            rows_done INTEGER NOT NULL CHECK (rows_done >= 0),
            requests_enqueued INTEGER NOT NULL CHECK (requests_enqueued >= 0)
        ) STRICT;
        """

    /// Version 3 checks `state` with `=` comparisons instead of `IN (...)`: the same rule, but SQLite evaluates the
    /// IN list of a CHECK for every inserted row, a noticeable share of its work per enqueued request (docs/queue.md,
    /// "Migrations"). SQLite cannot alter a CHECK, so the table is rebuilt the documented way: new table, copy, drop,
    /// rename, indexes again. The AUTOINCREMENT counter is carried over: dropping the table drops it, and a counter
    /// restarted from the highest remaining id would hand out again the ids of requests already completed, which
    /// fence claims.
    static func rebuildForVersion3(_ db: Database) throws {
        let sequence = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'queue_item'")
        try db.execute(sql: version3Table)
        try db.execute(sql: "INSERT INTO queue_item_v3 SELECT * FROM queue_item")
        try db.execute(sql: "DROP TABLE queue_item")
        try db.execute(sql: "ALTER TABLE queue_item_v3 RENAME TO queue_item")
        if let sequence {
            try db.execute(
                sql: "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'queue_item'", arguments: [sequence])
            if db.changesCount == 0 {
                try db.execute(sql: "INSERT INTO sqlite_sequence (name, seq) VALUES ('queue_item', ?)", arguments: [sequence])
            }
        }
        try db.execute(sql: version3Indexes)
    }

    /// Version 1's table with the state check as `=` comparisons, under a temporary name.
    static let version3Table = """
        CREATE TABLE queue_item_v3 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            subscription TEXT NOT NULL,
            integration TEXT NOT NULL,
            scope TEXT NOT NULL,
            direction TEXT NOT NULL,
            external_id TEXT NOT NULL,
            child_request INTEGER NOT NULL,
            parent_kind TEXT,
            parent_external_id TEXT,
            origin_kind TEXT,
            origin_external_id TEXT,
            delete_triggered INTEGER NOT NULL,
            hook_id TEXT,
            debug INTEGER NOT NULL,
            state TEXT NOT NULL CHECK (state = 'pending' OR state = 'claimed' OR state = 'dead'),
            attempt INTEGER NOT NULL DEFAULT 0,
            retry_base INTEGER NOT NULL DEFAULT 0,
            coalesced INTEGER NOT NULL DEFAULT 0,
            enqueued_at INTEGER NOT NULL,
            due_at INTEGER NOT NULL,
            lease_expires_at INTEGER,
            worker TEXT,
            last_error TEXT,
            CHECK ((parent_kind IS NULL) = (parent_external_id IS NULL)),
            CHECK ((origin_kind IS NULL) = (origin_external_id IS NULL)),
            CHECK ((state = 'claimed') = (lease_expires_at IS NOT NULL))
        ) STRICT
        """

    /// Version 1's indexes, made again on the rebuilt table (dropping a table drops its indexes).
    static let version3Indexes = """
        CREATE UNIQUE INDEX queue_item_pending_key
            ON queue_item (subscription, scope, external_id, direction) WHERE state = 'pending';
        CREATE INDEX queue_item_ready ON queue_item (debug DESC, due_at, id) WHERE state = 'pending';
        CREATE INDEX queue_item_lease ON queue_item (lease_expires_at) WHERE state = 'claimed';
        CREATE INDEX queue_item_dead ON queue_item (id) WHERE state = 'dead';
        """

    /// The intake server's tables. `hook_delivery` remembers senders' delivery ids per subscription, so a redelivery
    /// within the window adds nothing; `kept_hook` holds hooks whose rule failed (replayed later) and rejected ones,
    /// with their exact headers (a JSON list of [name, value] pairs) and body.
    static let version4 = """
        CREATE TABLE hook_delivery (
            subscription TEXT NOT NULL,
            delivery TEXT NOT NULL,
            seen_at INTEGER NOT NULL,
            PRIMARY KEY (subscription, delivery)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX hook_delivery_seen ON hook_delivery (seen_at);

        CREATE TABLE kept_hook (
            id TEXT PRIMARY KEY,
            subscription TEXT NOT NULL,
            disposition TEXT NOT NULL CHECK (disposition = 'failed' OR disposition = 'rejected'),
            cause TEXT NOT NULL,
            received_at INTEGER NOT NULL,
            method TEXT NOT NULL,
            target TEXT NOT NULL,
            headers TEXT NOT NULL,
            body BLOB NOT NULL
        ) STRICT;
        CREATE INDEX kept_hook_listing ON kept_hook (disposition, received_at);
        """
}

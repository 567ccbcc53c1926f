/// The queue's tables and indexes as numbered migrations: append one, never edit a shipped one. Versions 1 (the queue)
/// and 2 (import checkpoints) are the SQLite backend's; SQLite's version 3 only rewrites a CHECK that SQLite evaluated
/// slowly and has no counterpart here.
///
/// postgres-nio runs one statement per query (the extended protocol), so each migration is a list of statements.
enum QueueSchema {
    struct Migration {
        let version: Int
        let name: String
        let statements: [String]
    }

    static let migrations = [
        Migration(version: 1, name: "queue_item", statements: version1),
        Migration(version: 2, name: "import_checkpoint", statements: version2),
        Migration(version: 3, name: "hook_delivery and kept_hook", statements: version3),
    ]

    /// Times are bigint microseconds since 1970 from the queue's clock, never the server's `now()`. `id` is an
    /// identity column: its sequence never hands out a value twice, even after the highest row is deleted, because
    /// (id, attempt) fences claims and a reused id could let a stale claim settle a new request. The coalescing key's
    /// columns use the "C" collation: byte order, the same whatever the database's locale, and the cheapest to index.
    /// `retry_base` is the attempt count when the current round of attempts began, so `attempt - retry_base` is what
    /// the retry policy counts.
    static let version1 = [
        """
        CREATE TABLE queue_item (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            subscription text COLLATE "C" NOT NULL,
            integration text NOT NULL,
            scope text COLLATE "C" NOT NULL,
            direction text COLLATE "C" NOT NULL,
            external_id text COLLATE "C" NOT NULL,
            child_request boolean NOT NULL,
            parent_kind text,
            parent_external_id text,
            origin_kind text,
            origin_external_id text,
            delete_triggered boolean NOT NULL,
            hook_id text,
            debug boolean NOT NULL,
            state text NOT NULL CHECK (state IN ('pending', 'claimed', 'dead')),
            attempt integer NOT NULL DEFAULT 0,
            retry_base integer NOT NULL DEFAULT 0,
            coalesced integer NOT NULL DEFAULT 0,
            enqueued_at bigint NOT NULL,
            due_at bigint NOT NULL,
            lease_expires_at bigint,
            worker text,
            last_error text,
            CHECK ((parent_kind IS NULL) = (parent_external_id IS NULL)),
            CHECK ((origin_kind IS NULL) = (origin_external_id IS NULL)),
            CHECK ((state = 'claimed') = (lease_expires_at IS NOT NULL))
        )
        """,
        // Coalescing: at most one pending row per key; enqueue upserts against it.
        """
        CREATE UNIQUE INDEX queue_item_pending_key
            ON queue_item (subscription, scope, external_id, direction) WHERE state = 'pending'
        """,
        // Claiming and listing pending rows: one ordered scan in priority order.
        "CREATE INDEX queue_item_ready ON queue_item (debug DESC, due_at, id) WHERE state = 'pending'",
        // Rescue: claimed rows by lease expiry.
        "CREATE INDEX queue_item_lease ON queue_item (lease_expires_at) WHERE state = 'claimed'",
        // The dead letter, for listing and retrying it without a scan of the live queue.
        "CREATE INDEX queue_item_dead ON queue_item (id) WHERE state = 'dead'",
    ]

    /// Bulk imports' progress (see `ImportCheckpoint`).
    static let version2 = [
        """
        CREATE TABLE import_checkpoint (
            import_key text PRIMARY KEY,
            rows_done bigint NOT NULL CHECK (rows_done >= 0),
            requests_enqueued bigint NOT NULL CHECK (requests_enqueued >= 0)
        )
        """,
    ]

    /// The intake server's tables: senders' delivery ids per subscription (a redelivery within the window adds
    /// nothing), and hooks kept with why (a failed rule: replayed later; a rejection), headers as a JSON list of
    /// [name, value] pairs and the exact body.
    static let version3 = [
        """
        CREATE TABLE hook_delivery (
            subscription text COLLATE "C" NOT NULL,
            delivery text COLLATE "C" NOT NULL,
            seen_at bigint NOT NULL,
            PRIMARY KEY (subscription, delivery)
        )
        """,
        "CREATE INDEX hook_delivery_seen ON hook_delivery (seen_at)",
        """
        CREATE TABLE kept_hook (
            id text COLLATE "C" PRIMARY KEY,
            subscription text NOT NULL,
            disposition text NOT NULL CHECK (disposition IN ('failed', 'rejected')),
            cause text NOT NULL,
            received_at bigint NOT NULL,
            method text NOT NULL,
            target text NOT NULL,
            headers text NOT NULL,
            body bytea NOT NULL
        )
        """,
        "CREATE INDEX kept_hook_listing ON kept_hook (disposition, received_at)",
    ]
}

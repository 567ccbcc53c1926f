import HookModel

/// What one bulk run enqueues: for which subscription, in which direction, and how.
public struct BulkImportSettings: Sendable {
    public var subscription: Subscription
    /// The scopes the subscription's integration declares; every row's scope must be one of them.
    public var catalog: ScopeCatalog
    /// Where the catalog comes from, for error messages (the rule file).
    public var catalogSource: String
    public var direction: Direction
    /// The scope of rows without a `scope` cell (`--scope`).
    public var defaultScope: Scope?
    /// Requests go to the front of the queue.
    public var debug = false
    /// Invalid rows are reported and skipped instead of failing the run.
    public var skipInvalid = false
    /// Rows per enqueue transaction.
    public var batchSize = 500
    /// Enqueue at most this many rows in this run (a test batch); a later run goes on from there.
    public var limit: Int?
    /// At most this many rows per second.
    public var rowsPerSecond: Double?

    public init(
        subscription: Subscription, catalog: ScopeCatalog, catalogSource: String, direction: Direction,
        defaultScope: Scope? = nil
    ) {
        self.subscription = subscription
        self.catalog = catalog
        self.catalogSource = catalogSource
        self.direction = direction
        self.defaultScope = defaultScope
    }
}

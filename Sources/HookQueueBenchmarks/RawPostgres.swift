import HookQueuePostgres
import Logging
import PostgresNIO

/// The plain-SQL reference on PostgreSQL, through postgres-nio with nothing on top: a table with a request's thirteen
/// columns (as the queue stores them) and a primary key in a schema of its own (for the claim cases also the one index
/// a claim needs), one multi-row `INSERT` per batch (a statement commits on its own), and a claim/delete loop
/// (``Loop``) that hands each claimed request's columns to the worker, with no coalescing, priority, leases, fencing
/// or retries. The columns are ``BenchmarkRequests/columns``, not the queue's own
/// list.
struct RawPostgres {
    let schema: String

    func createTable(on connection: PostgresConnection, forClaims: Bool) async throws {
        try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(schema)"), logger: Self.logger)
        try await connection.query(PostgresQuery(unsafeSQL: """
            CREATE TABLE \(schema).job (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, subscription text NOT NULL,
                integration text NOT NULL, scope text NOT NULL, direction text NOT NULL, external_id text NOT NULL,
                child_request boolean NOT NULL, parent_kind text, parent_external_id text, origin_kind text,
                origin_external_id text, delete_triggered boolean NOT NULL, hook_id text, debug boolean NOT NULL,
                claimed_by text)
            """), logger: Self.logger)
        guard forClaims else { return }
        // Without it, each claim walks the primary key over every row claimed or deleted so far that vacuum has not
        // yet removed, and slows down as the run goes on: the reference would be a straw man.
        try await connection.query(PostgresQuery(unsafeSQL: """
            CREATE INDEX job_unclaimed ON \(schema).job (id) WHERE claimed_by IS NULL
            """), logger: Self.logger)
    }

    /// Inserts the requests numbered `first..<first + count` in one statement.
    func insert(first: Int, count: Int, _ shape: BenchmarkRequests.Shape, on connection: PostgresConnection) async throws {
        var bindings = PostgresBindings(capacity: count * BenchmarkRequests.columnCount)
        var values: [String] = []
        for n in first..<first + count {
            let request = BenchmarkRequests.request(n, shape)
            let base = values.count * BenchmarkRequests.columnCount
            values.append("(" + (1...BenchmarkRequests.columnCount).map { "$\(base + $0)" }.joined(separator: ", ") + ")")
            bindings.append(request.subscription)
            bindings.append(request.integration)
            bindings.append(request.scope.description)
            bindings.append(request.direction.rawValue)
            bindings.append(request.externalId)
            bindings.append(request.childRequest)
            bindings.append(request.parent?.kind)
            bindings.append(request.parent?.externalId)
            bindings.append(request.origin?.kind)
            bindings.append(request.origin?.externalId)
            bindings.append(request.deleteTriggered)
            bindings.append(request.hookId)
            bindings.append(request.debug)
        }
        let sql = """
            INSERT INTO \(schema).job (\(BenchmarkRequests.columns)) VALUES \(values.joined(separator: ", "))
            """
        try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: Self.logger)
    }

    /// The two shapes of a plain claim/delete loop.
    enum Loop: CaseIterable {
        /// Mark a batch claimed in one statement (its own transaction), then delete it in a second: what any worker
        /// must do when the work happens outside the transaction, as an HTTP delivery does. The same shape as the
        /// SQLite reference, and the reference the queue is measured against.
        case claimThenDelete
        /// The claim is the delete: one `DELETE ... RETURNING` per batch, no claim survives a commit. The least any
        /// loop can do, for a worker that does its work inside the transaction; shown beside the other as a floor.
        case deleteAsClaim

        var description: String {
            switch self {
            case .claimThenDelete:
                "raw claim+ack: WITH next AS (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED) UPDATE ... RETURNING, then DELETE ... WHERE id = ANY(ids): two statements per batch"
            case .deleteAsClaim:
                "raw claim as delete: DELETE ... WHERE id IN (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED) RETURNING, one statement per batch"
            }
        }
    }

    /// Claims (and deletes) batches of `batch` rows the `loop`'s way, returning and decoding them as a worker would,
    /// until the table is empty; returns how many it took. `FOR UPDATE SKIP LOCKED` keeps workers apart.
    func drain(batch: Int, loop: Loop, worker: String, on connection: PostgresConnection) async throws -> Int {
        let returning = "RETURNING job.id, \(BenchmarkRequests.columns)"
        let claim = switch loop {
        case .claimThenDelete:
            """
            WITH next AS (
                SELECT id FROM \(schema).job WHERE claimed_by IS NULL ORDER BY id LIMIT \(batch) FOR UPDATE SKIP LOCKED)
            UPDATE \(schema).job SET claimed_by = $1 FROM next WHERE job.id = next.id \(returning)
            """
        case .deleteAsClaim:
            """
            DELETE FROM \(schema).job WHERE id IN (
                SELECT id FROM \(schema).job ORDER BY id LIMIT \(batch) FOR UPDATE SKIP LOCKED) \(returning)
            """
        }
        var bindings = PostgresBindings()
        if loop == .claimThenDelete { bindings.append(worker) }
        var taken = 0
        while true {
            var ids: [Int64] = []
            let rows = try await connection.query(PostgresQuery(unsafeSQL: claim, binds: bindings), logger: Self.logger)
            for try await row in rows {
                let (id, _, _, _, _, _, _, _, _, _, _, _, _, _) = try row.decode(
                    (Int64, String, String, String, String, String, Bool, String?, String?, String?, String?, Bool,
                     String?, Bool).self)
                ids.append(id)
            }
            if ids.isEmpty { return taken }
            if loop == .claimThenDelete {
                try await connection.query("DELETE FROM \(unescaped: schema).job WHERE id = ANY(\(ids))", logger: Self.logger)
            }
            taken += ids.count
        }
    }

    static let logger = Logger(label: "hookrules.queue-bench", factory: { _ in SwiftLogNoOpLogHandler() })
}

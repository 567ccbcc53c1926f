import Foundation

/// The plain-SQL reference on its own connection: a table with the same request columns and only a primary key,
/// plain inserts in one transaction per batch, and a plain claim/delete loop (mark a batch claimed in one
/// transaction, delete it in a second), with no coalescing, priority, leases, fencing or retries.
final class RawReference {
    static let schema = """
        CREATE TABLE IF NOT EXISTS job (
            id INTEGER PRIMARY KEY, subscription TEXT NOT NULL, integration TEXT NOT NULL, scope TEXT NOT NULL,
            direction TEXT NOT NULL, external_id TEXT NOT NULL, hook_id TEXT, claimed_by TEXT)
        """

    private let connection: RawConnection
    private let insert: RawStatement
    private let claim: RawStatement
    private let delete: RawStatement

    init(path: String) throws {
        connection = try RawConnection(path: path)
        try connection.execute(Self.schema)
        insert = try connection.prepare("""
            INSERT INTO job (subscription, integration, scope, direction, external_id, hook_id)
            VALUES (?, ?, ?, ?, ?, ?)
            """)
        claim = try connection.prepare("""
            UPDATE job SET claimed_by = ?1
            WHERE id IN (SELECT id FROM job WHERE claimed_by IS NULL ORDER BY id LIMIT ?2) RETURNING id
            """)
        delete = try connection.prepare("DELETE FROM job WHERE id = ?")
    }

    /// Inserts the requests numbered `first..<first + count` in one transaction.
    func insert(first: Int, count: Int, _ shape: BenchmarkRequests.Shape) throws {
        try connection.execute("BEGIN IMMEDIATE")
        for n in first..<first + count {
            let request = BenchmarkRequests.request(n, shape)
            insert.bind(1, request.subscription)
            insert.bind(2, request.integration)
            insert.bind(3, request.scope.description)
            insert.bind(4, request.direction.rawValue)
            insert.bind(5, request.externalId)
            insert.bind(6, request.hookId)
            _ = try insert.step()
            insert.reset()
        }
        try connection.execute("COMMIT")
    }

    /// Claims batches of `batch` and deletes them until the table is empty; returns how many it took.
    func drain(worker: String, batch: Int) throws -> Int {
        var taken = 0
        while true {
            try connection.execute("BEGIN IMMEDIATE")
            claim.bind(1, worker)
            claim.bind(2, Int64(batch))
            var ids: [Int64] = []
            while try claim.step() { ids.append(claim.int64(0)) }
            claim.reset()
            try connection.execute("COMMIT")
            if ids.isEmpty { return taken }

            try connection.execute("BEGIN IMMEDIATE")
            for id in ids {
                delete.bind(1, id)
                _ = try delete.step()
                delete.reset()
            }
            try connection.execute("COMMIT")
            taken += ids.count
        }
    }
}

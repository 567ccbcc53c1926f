import Foundation

/// The plain-SQL reference on its own connection: a table with a request's thirteen columns (as the queue stores
/// them) and only a primary key, plain inserts in one transaction per batch, and a plain claim/delete loop (mark a
/// batch claimed in one transaction, reading each claimed request's columns as a worker would, delete it in a
/// second), with no coalescing, priority, leases, fencing or retries. The columns are ``BenchmarkRequests/columns``,
/// not the queue's own list.
final class RawReference {
    static let schema = """
        CREATE TABLE IF NOT EXISTS job (
            id INTEGER PRIMARY KEY, subscription TEXT NOT NULL, integration TEXT NOT NULL, scope TEXT NOT NULL,
            direction TEXT NOT NULL, external_id TEXT NOT NULL, child_request INTEGER NOT NULL, parent_kind TEXT,
            parent_external_id TEXT, origin_kind TEXT, origin_external_id TEXT, delete_triggered INTEGER NOT NULL,
            hook_id TEXT, debug INTEGER NOT NULL, claimed_by TEXT)
        """

    private let connection: RawConnection
    private let insert: RawStatement
    private let claim: RawStatement
    private let delete: RawStatement

    init(path: String) throws {
        connection = try RawConnection(path: path)
        try connection.execute(Self.schema)
        insert = try connection.prepare("""
            INSERT INTO job (\(BenchmarkRequests.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        claim = try connection.prepare("""
            UPDATE job SET claimed_by = ?1
            WHERE id IN (SELECT id FROM job WHERE claimed_by IS NULL ORDER BY id LIMIT ?2)
            RETURNING id, \(BenchmarkRequests.columns)
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
            insert.bind(6, request.childRequest)
            insert.bind(7, request.parent?.kind)
            insert.bind(8, request.parent?.externalId)
            insert.bind(9, request.origin?.kind)
            insert.bind(10, request.origin?.externalId)
            insert.bind(11, request.deleteTriggered)
            insert.bind(12, request.hookId)
            insert.bind(13, request.debug)
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
            while try claim.step() {
                ids.append(claim.int64(0))
                guard ClaimedColumns(claim).isComplete else { throw QueueBenchmarkFailure("job \(ids.last ?? 0) lost its request") }
            }
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

/// A claimed request's columns, read as a worker would have them (kept only until the batch is deleted).
private struct ClaimedColumns {
    let subscription, integration, scope, direction, externalId: String
    let childRequest: Bool
    let parentKind, parentExternalId, originKind, originExternalId: String?
    let deleteTriggered: Bool
    let hookId: String?
    let debug: Bool

    init(_ row: RawStatement) {
        subscription = row.text(1) ?? ""
        integration = row.text(2) ?? ""
        scope = row.text(3) ?? ""
        direction = row.text(4) ?? ""
        externalId = row.text(5) ?? ""
        childRequest = row.int64(6) != 0
        parentKind = row.text(7)
        parentExternalId = row.text(8)
        originKind = row.text(9)
        originExternalId = row.text(10)
        deleteTriggered = row.int64(11) != 0
        hookId = row.text(12)
        debug = row.int64(13) != 0
    }

    var isComplete: Bool { !subscription.isEmpty && !scope.isEmpty && !externalId.isEmpty }
}

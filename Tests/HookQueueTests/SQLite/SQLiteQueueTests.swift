import Foundation
import GRDB
import HookQueue
@testable import HookQueueSQLite
import HookModel
import Testing

@Suite("SQLite queue file")
struct SQLiteQueueTests {
    @Test("the file is in WAL mode, durable (synchronous FULL) and passes its integrity check")
    func fileSettings() async throws {
        try await withQueue { queue, folder in
            try await queue.enqueue(Requests.products(50))
            _ = try await queue.claim(worker: "w", limit: 10, lease: .seconds(60))

            let (journal, synchronous, integrity) = try await queue.pool.write { db in
                (
                    try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                    try Int.fetchOne(db, sql: "PRAGMA synchronous"),
                    try String.fetchAll(db, sql: "PRAGMA integrity_check")
                )
            }
            #expect(journal == "wal")
            #expect(synchronous == 2)  // FULL
            #expect(integrity == ["ok"])
            #expect(queue.path == folder.appendingPathComponent("queue.sqlite").path)
        }
    }

    @Test("many handles created at once on a missing file all open it, migrated once, and share one queue")
    func concurrentFirstCreation() async throws {
        // Several rounds: the race (each handle deciding a migration is still to run) needs the timing to line up.
        for _ in 0..<10 {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("queue-race-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let handles = try await withThrowingTaskGroup(of: SQLiteTransferQueue.self) { group in
                for _ in 0..<8 { group.addTask { try SQLiteTransferQueue(folder: folder) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            for (index, handle) in handles.enumerated() { try await handle.enqueue([Requests.product("p\(index)")]) }
            #expect(try await handles[0].stats().total == QueueCounts(pending: 8))
            let migrations = try await handles[7].pool.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }
            #expect(migrations == [
                "v1 queue_item", "v2 import_checkpoint", "v3 queue_item state check without IN",
                "v4 hook_delivery and kept_hook",
            ])
            for handle in handles { try await handle.close() }
        }
    }

    @Test("version 3 keeps a version 2 file's rows, ids never handed out again, indexes and state check")
    func migrationToVersion3() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("queue-v2-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // A version 2 file: three requests, the newest of them completed (the highest id is gone), one claimed.
        let path = folder.appendingPathComponent(SQLiteTransferQueue.fileName).path
        let old = try DatabaseQueue(path: path)
        try QueueSchema.migrator.migrate(old, upTo: "v2 import_checkpoint")
        try await old.write { db in
            for id in ["a", "b", "c"] {
                try db.execute(sql: """
                    INSERT INTO queue_item (subscription, integration, scope, direction, external_id, child_request,
                        delete_triggered, debug, state, enqueued_at, due_at)
                    VALUES ('shop-1', 'shopify', 'product/updated', 'to', ?, 0, 0, 0, 'pending', 1, 1)
                    """, arguments: [id])
            }
            try db.execute(sql: "DELETE FROM queue_item WHERE external_id = 'c'")
            try db.execute(sql: """
                UPDATE queue_item SET state = 'claimed', attempt = 1, worker = 'w', lease_expires_at = 99
                WHERE external_id = 'b'
                """)
        }
        try old.close()

        let queue = try SQLiteTransferQueue(folder: folder)
        defer { Task { try? await queue.close() } }
        #expect(try await queue.stats().total == QueueCounts(pending: 1, claimed: 1))
        let receipt = try await queue.enqueue([Requests.product("d")])
        #expect(receipt.ids.map(\.rawValue) == [4])
        let (schema, indexes, integrity) = try await queue.pool.read { db in
            (
                try String.fetchOne(db, sql: "SELECT sql FROM sqlite_schema WHERE name = 'queue_item'") ?? "",
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'queue_item' AND sql IS NOT NULL ORDER BY name"),
                try String.fetchAll(db, sql: "PRAGMA integrity_check")
            )
        }
        #expect(schema.contains("state = 'pending' OR state = 'claimed' OR state = 'dead'") && !schema.contains("IN ("))
        #expect(indexes == ["queue_item_dead", "queue_item_lease", "queue_item_pending_key", "queue_item_ready"])
        #expect(integrity == ["ok"])
        await #expect(throws: DatabaseError.self) {
            try await queue.pool.write { db in try db.execute(sql: "UPDATE queue_item SET state = 'done'") }
        }
    }

    @Test("claim, rescue and listing search their partial indexes instead of scanning or sorting")
    func queryPlans() async throws {
        try await withQueue { queue, folder in
            let plans = try await queue.pool.read { db in
                try [
                    (SQLiteTransferQueue.claimSQL, ["w", 1, true, 0, 5] as StatementArguments, "queue_item_ready"),
                    (SQLiteTransferQueue.expiredSQL, [0], "queue_item_lease"),
                    (SQLiteTransferQueue.listSQL(state: .pending), [5], "queue_item_ready"),
                    (SQLiteTransferQueue.listSQL(state: .dead), [5], "queue_item_dead"),
                ].map { sql, arguments, index in
                    let details = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(sql)", arguments: arguments).map { $0["detail"] as String }
                    return (index, details)
                }
            }
            for (index, details) in plans {
                #expect(details.contains { $0.contains("USING INDEX \(index)") }, "\(details)")
                #expect(!details.contains { $0.hasPrefix("SCAN queue_item") && !$0.contains("USING INDEX") }, "\(details)")
                #expect(!details.contains { $0.contains("TEMP B-TREE") }, "\(details)")
            }
        }
    }

    @Test("external ids are stored as TEXT, whatever they look like")
    func textIds() async throws {
        try await withQueue { queue, folder in
            try await queue.enqueue([Requests.product("007"), Requests.product("1e3"), Requests.product("12345678901234567890")])
            let types = try await queue.pool.read { db in
                try String.fetchAll(db, sql: "SELECT DISTINCT typeof(external_id) FROM queue_item")
            }
            #expect(types == ["text"])
        }
    }

    @Test("enqueue splits a batch into power-of-two statements of at most 128 rows")
    func chunkSizes() {
        #expect(EnqueueUpsert.chunkSizes(0) == [])
        #expect(EnqueueUpsert.chunkSizes(1) == [1])
        #expect(EnqueueUpsert.chunkSizes(100) == [64, 32, 4])
        #expect(EnqueueUpsert.chunkSizes(300) == [128, 128, 32, 8, 4])
        for count in 0...600 {
            let sizes = EnqueueUpsert.chunkSizes(count)
            #expect(sizes.reduce(0, +) == count && sizes.allSatisfy { $0 <= 128 && $0.nonzeroBitCount == 1 })
        }
    }

    @Test("returned rows in another order than the batch are matched back by key")
    func matchByKey() throws {
        let requests = [Requests.product("a"), Requests.product("b"), Requests.product("a"), Requests.noOptionals]
        let returned = [(7, requests[3]), (5, requests[2]), (6, requests[1]), (5, requests[0])].map { id, request in
            EnqueueUpsert.Returned(id: QueueItemID(Int64(id)), key: EnqueueUpsert.Key(request))
        }
        let ids = try EnqueueUpsert.match(returned, to: requests[...])
        #expect(ids.map(\.rawValue) == [5, 6, 5, 7])
        #expect(throws: TransferQueueError.self) { try EnqueueUpsert.match(Array(returned.prefix(3)), to: requests[...]) }
    }

    @Test("enqueue's RETURNING rows are read in place when in VALUES order, else matched by key")
    func returnedRowsInPlaceOrByKey() throws {
        let requests = [Requests.product("a"), Requests.everyField, Requests.product("b"), Requests.noOptionals]
        /// A row as the upsert returns it (id, coalesced, subscription, scope, external_id, direction).
        struct Returned {
            let id: Int
            var coalesced = 0
            let request: TransferRequest
            var scope: String?
        }
        // A SELECT over VALUES stands in for the upsert, so the rows can come in an order other than SQLite's.
        func run(_ rows: [Returned]) throws -> (ids: [Int64], inserted: Int) {
            let values = rows.map { row -> String in
                let request = row.request
                let scope = row.scope ?? request.scope.description
                let texts = [request.subscription, scope, request.externalId, request.direction.rawValue]
                return "(\(row.id), \(row.coalesced), " + texts.map { "'\($0)'" }.joined(separator: ", ") + ")"
            }
            return try DatabaseQueue().read { db in
                let statement = try db.makeStatement(sql: "SELECT * FROM (VALUES \(values.joined(separator: ", ")))")
                let result = try EnqueueUpsert.run(statement, for: requests[...])
                return (result.ids.map(\.rawValue), result.inserted)
            }
        }
        let inOrder = try run(requests.enumerated().map { Returned(id: 10 + $0, coalesced: $0 == 2 ? 3 : 0, request: $1) })
        #expect(inOrder.ids == [10, 11, 12, 13] && inOrder.inserted == 3)
        // In order for the first row, then swapped: every row is matched by key.
        let swapped = try run([0, 2, 1, 3].map { Returned(id: 10 + $0, coalesced: $0 == 1 ? 1 : 0, request: requests[$0]) })
        #expect(swapped.ids == [10, 11, 12, 13] && swapped.inserted == 3)
        // A returned scope that differs from the request's in its action only is another key: no row matches.
        var otherScope = requests.enumerated().map { Returned(id: 10 + $0, request: $1) }
        otherScope[0].scope = "product/created"
        #expect(throws: TransferQueueError.self) { try run(otherScope) }
        #expect(throws: TransferQueueError.self) { try run([Returned(id: 10, request: requests[0])]) }
    }

    /// A real queue file in a temporary folder, closed and removed afterwards.
    private func withQueue(_ body: (SQLiteTransferQueue, URL) async throws -> Void) async throws {
        let store = try SQLiteStore()
        defer { try? FileManager.default.removeItem(at: store.folder) }
        let queue = try SQLiteTransferQueue(folder: store.folder, clock: TestClock())
        do {
            try await body(queue, store.folder)
        } catch {
            try? await queue.close()
            throw error
        }
        try await queue.close()
    }
}

import Foundation
import GRDB
import HookQueueSQLite
import ScratchMount
import Testing

/// The CLI on a queue file in trouble: a full disk, a read-only folder, a damaged file.
@Suite("hookrules on a queue file in trouble, run as a process")
struct QueueFileFaultTests {
    static func externalIds(inQueueAt folder: String) throws -> [String] {
        let database = try DatabaseQueue(path: folder + "/" + SQLiteTransferQueue.fileName)
        defer { try? database.close() }
        return try database.read { try String.fetchAll($0, sql: "SELECT external_id FROM queue_item ORDER BY id") }
    }

    @Test("replay --enqueue on a full disk prints only requests that were queued, names the capture it could not enqueue, and stops there")
    func replayOnFullDisk() throws {
        let mount = try ScratchMount.tmpfsForTest(megabytes: 8)
        defer { mount.unmount() }
        let queue = mount.url.appendingPathComponent("queue").path
        let first = try CommandRunner.run(["replay", "--enqueue", "--queue", queue, "samples/shopify/customers.update.json"])
        #expect(first.status == 0, "\(first.stderr)")
        try mount.fill(leaving: 96 * 1024)

        let replay = try CommandRunner.run(["replay", "--enqueue", "--queue", queue, "samples/"])
        #expect(replay.status == 1, "\(replay.stderr)")
        let refusals = replay.stderr.split(separator: "\n").filter { $0.contains("cannot enqueue its") }
        #expect(refusals.count == 1, "\(replay.stderr)")
        #expect(refusals.first?.hasPrefix("hookrules: samples/") == true && refusals.first?.contains(".json: cannot enqueue its") == true,
                "the refusal names no capture: \(replay.stderr)")
        #expect(replay.stderr.contains("the disk holding"), "\(replay.stderr)")
        #expect(replay.stderr.contains("capture(s) after it were not replayed"), "\(replay.stderr)")

        // Every request printed is queued, and only those (with the one queued before; equal ones are merged).
        try mount.free(1024 * 1024)
        let printed = replay.stdout.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["externalId"] as? String
        }
        let queued = try Self.externalIds(inQueueAt: queue)
        #expect(!printed.isEmpty && Set(queued.dropFirst()) == Set(printed), "printed \(printed), queued \(queued)")
    }

    @Test("queue stats, list and dead read a queue in a read-only folder")
    func readOnlyQueue() throws {
        let mount = try ScratchMount.tmpfsForTest(megabytes: 8)
        defer { mount.unmount() }
        let queue = ["--queue", mount.url.appendingPathComponent("queue").path]
        let replay = try CommandRunner.run(["replay", "--enqueue"] + queue + ["samples/shopify", "samples/hubspot"])
        #expect(replay.status == 0, "\(replay.stderr)")
        // One line per request replayed; equal requests (subscription, scope, id, direction) are merged in the queue.
        let queued = Set(replay.stdout.split(separator: "\n").compactMap { line -> [String]? in
            guard let request = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return ["subscription", "scope", "externalId", "direction"].map { "\(request[$0] ?? "")" }
        }).count
        #expect(queued > 0)
        try mount.remount(readOnly: true)

        let stats = try CommandRunner.run(["queue", "stats", "--format", "jsonl"] + queue)
        #expect(stats.status == 0, "\(stats.stderr)")
        #expect(stats.stdout.hasPrefix(#"{"claimed":0,"dead":0,"pending":\#(queued),"total":\#(queued)}"#), "\(stats.stdout)")
        let list = try CommandRunner.run(["queue", "list", "--format", "jsonl", "--limit", "1000"] + queue)
        #expect(list.status == 0 && list.stdout.split(separator: "\n").count == queued, "\(list.stderr)")
        let dead = try CommandRunner.run(["queue", "dead"] + queue)
        #expect(dead.status == 0, "\(dead.stderr)")
        // Writing is refused, and says so.
        let enqueue = try CommandRunner.run(["replay", "--enqueue"] + queue + ["samples/shopify/customers.update.json"])
        #expect(enqueue.status == 1 && !enqueue.stderr.isEmpty)
        try mount.remount(readOnly: false)
    }

    @Test("a queue file with a damaged table page is refused when opened, saying what to do; nothing is written to it")
    func damagedFile() throws {
        let folder = try TemporaryFolder()
        let queue = folder.path("queue")
        let ids = (1...2_000).map { "\(9_007_199_254_740_992 + $0)" }
        let csv = try folder.write("ids.csv", "id\n" + ids.joined(separator: "\n") + "\n")
        let bulk = try CommandRunner.run([
            "bulk", csv, "--subscription", "demo-hubspot", "--direction", "to", "--scope", "customer/updated",
            "--queue", queue,
        ])
        #expect(bulk.status == 0, "\(bulk.stderr)")

        // Damage the table's first leaf page (the oldest requests; an enqueue writes to the last one): its header
        // overwritten, as a torn write or a bad sector leaves it.
        let path = queue + "/" + SQLiteTransferQueue.fileName
        let page = try DatabaseQueue(path: path).read { db in
            try Int.fetchOne(db, sql: "SELECT pageno FROM dbstat WHERE name = 'queue_item' AND pagetype = 'leaf' ORDER BY pageno LIMIT 1")
        }
        let leaf = try #require(page)
        let file = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try file.seek(toOffset: UInt64((leaf - 1) * 4096))
        try file.write(contentsOf: Data(repeating: 0xFF, count: 12))
        try file.close()
        let sizeBefore = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int

        let replay = try CommandRunner.run(["replay", "--enqueue", "--queue", queue, "samples/shopify/customers.update.json"])
        #expect(replay.status == 1, "the damaged queue took the requests: \(replay.stderr)")
        #expect(replay.stderr.contains("is damaged") && replay.stderr.contains(".recover"), "\(replay.stderr)")
        #expect(replay.stdout.isEmpty)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int == sizeBefore)
        let stats = try CommandRunner.run(["queue", "stats", "--queue", queue])
        #expect(stats.status == 1 && stats.stderr.contains("is damaged"), "\(stats.stderr)")
    }
}

import Foundation
import GRDB
import HookQueue
import HookQueueSQLite
import HookModel
import ScratchMount
import Testing

/// The SQLite queue on a disk that fills up, on a small tmpfs of the test's own.
@Suite("SQLite queue on a full disk")
struct SQLiteFullDiskTests {
    static func walSize(_ folder: URL) -> Int {
        let path = folder.appendingPathComponent(SQLiteTransferQueue.fileName).path + "-wal"
        return ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }

    static func batch(_ number: Int) -> [TransferRequest] {
        (0..<100).map { index in
            var request = Requests.product("batch-\(number)-\(index)")
            request.hookId = "captures/shopify/products.update-\(number)-\(index).json"
            return request
        }
    }

    @Test("a full disk refuses writes whole and stops the WAL growing; once there is room the WAL is moved into the database and truncated, and the queue carries on", .timeLimit(.minutes(2)))
    func fullDisk() async throws {
        let mount = try ScratchMount.tmpfsForTest(megabytes: 24)
        defer { mount.unmount() }
        let folder = mount.url.appendingPathComponent("queue")
        let queue = try SQLiteTransferQueue(folder: folder)
        try mount.fill(leaving: 6 * 1024 * 1024)

        var accepted = 0
        var refusal: (any Error)?
        for number in 0..<10_000 {
            do {
                accepted += try await queue.enqueue(Self.batch(number)).inserted
            } catch {
                refusal = error
                break
            }
        }
        let error = try #require(refusal as? SQLiteQueueError, "\(String(describing: refusal))")
        guard case let .diskFull(_, walBytes) = error else { Issue.record("not a full disk: \(error)"); return }
        #expect(queue.isOutage(error))
        #expect("\(error)".contains("the disk holding") && "\(error)".contains("do not delete the -wal"))
        // Nothing of the refused batch was kept; everything accepted is there.
        #expect(try await queue.stats().total.pending == accepted)

        // While there is no room, writes (an enqueue, a worker's claim) are refused at once: the WAL stays as it is.
        await #expect(throws: SQLiteQueueError.self) { try await queue.enqueue([Requests.product("refused")]) }
        await #expect(throws: SQLiteQueueError.self) { _ = try await queue.claim(worker: "w", limit: 10, lease: .seconds(60)) }
        #expect(Self.walSize(folder) == walBytes)

        // The operator frees about the WAL's size: the next write moves the WAL into the database, truncates it, and
        // goes through, on the same handle.
        try mount.free(walBytes + 1024 * 1024)
        try await queue.enqueue([Requests.product("after")])
        #expect(Self.walSize(folder) < 256 * 1024, "the WAL kept \(Self.walSize(folder)) bytes")
        accepted += 1

        // Everything accepted is still there, in order, and drains.
        var drained = 0
        while true {
            let claims = try await queue.claim(worker: "w", limit: 500, lease: .seconds(60))
            guard !claims.isEmpty else { break }
            drained += try await queue.complete(claims).completed.count
        }
        #expect(drained == accepted)
        try await queue.close()
        let reopened = try SQLiteTransferQueue(folder: folder)
        #expect(try await reopened.stats().total == QueueCounts())
        try await reopened.close()
        let integrity = try DatabaseQueue(path: folder.appendingPathComponent(SQLiteTransferQueue.fileName).path)
        #expect(try await integrity.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") } == ["ok"])
        try integrity.close()
        print("full disk: \(accepted) requests accepted, refused with a WAL of \(walBytes / 1024) KiB")
    }
}

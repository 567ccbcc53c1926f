import Foundation
import HookQueue
import HookQueueSQLite
import HookModel
import Testing

@Suite("hookrules queue, run as a process")
struct QueueCommandTests {
    @Test("replay --enqueue fills the queue; stats counts it by state, scope and subscription; list shows claim order")
    func enqueueAndInspect() throws {
        let folder = try TemporaryFolder()
        let queue = ["--queue", folder.path("queue")]
        let replay = try CommandRunner.run(["replay", "--enqueue"] + queue + ["samples/shopify", "samples/hubspot"])
        #expect(replay.status == 0, "\(replay.stderr)")
        let printed = replay.stdout.split(separator: "\n").count
        #expect(replay.stderr.contains("enqueued \(printed) request(s) on \(folder.path("queue"))"))

        let stats = try CommandRunner.run(["queue", "stats", "--format", "jsonl"] + queue)
        #expect(stats.status == 0, "\(stats.stderr)")
        let lines = stats.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == #"{"claimed":0,"dead":0,"pending":25,"total":25}"#, "\(stats.stdout)")
        #expect(lines.contains(#"{"claimed":0,"dead":0,"pending":18,"subscription":"demo-hubspot","total":18}"#))
        #expect(lines.contains(#"{"claimed":0,"dead":0,"pending":6,"scope":"customer/updated","total":6}"#))

        let table = try CommandRunner.run(["queue", "stats"] + queue)
        #expect(table.stdout.contains("demo-shopify") && table.stdout.contains("PENDING"))

        let list = try CommandRunner.run(["queue", "list", "--format", "jsonl", "--limit", "2"] + queue)
        let entries = list.stdout.split(separator: "\n")
        #expect(entries.count == 2)
        #expect(entries[0].contains(#""id":"1""#) && entries[0].contains(#""state":"pending""#))
        #expect(entries[0].contains(#""enqueuedAt":"20"#) && entries[0].contains(#"Z","id""#))
    }

    @Test("dead lists dead letters with their last error; retry puts them back by id, by filter or all")
    func deadLetterAndRetry() async throws {
        let folder = try TemporaryFolder()
        let queue = ["--queue", folder.path("queue")]
        let direct = try SQLiteTransferQueue(
            folder: folder.url.appendingPathComponent("queue"), policy: RetryPolicy(maxAttempts: 1) { _ in .zero })
        let requests = ["1", "2", "3"].map {
            TransferRequest(
                subscription: $0 == "3" ? "demo-hubspot" : "demo-shopify", integration: "shopify",
                scope: Scope(collection: "product", action: .updated), externalId: "9007199254740993\($0)")
        }
        try await direct.enqueue(requests)
        for claim in try await direct.claim(worker: "w", limit: 3, lease: .seconds(60)) {
            try await direct.fail(claim, error: "HTTP 422: unknown product \(claim.request.externalId)")
        }
        try await direct.close()

        let dead = try CommandRunner.run(["queue", "dead"] + queue)
        #expect(dead.status == 0, "\(dead.stderr)")
        #expect(dead.stdout.contains("HTTP 422: unknown product 90071992547409931"), "\(dead.stdout)")
        #expect(dead.stdout.split(separator: "\n").count == 4)  // header + 3

        let unknown = try CommandRunner.run(["queue", "retry", "99"] + queue)
        #expect(unknown.status == 1 && unknown.stderr.contains("1 of the ids named no dead request"))
        let byId = try CommandRunner.run(["queue", "retry", "1"] + queue)
        #expect(byId.status == 0 && byId.stdout == "1 dead request(s) back in the queue\n")
        let byFilter = try CommandRunner.run(["queue", "retry", "--subscription", "demo-hubspot"] + queue)
        #expect(byFilter.stdout == "1 dead request(s) back in the queue\n")
        let all = try CommandRunner.run(["queue", "retry", "--all"] + queue)
        #expect(all.stdout == "1 dead request(s) back in the queue\n")
        let stats = try CommandRunner.run(["queue", "stats", "--format", "jsonl"] + queue)
        #expect(stats.stdout.hasPrefix(#"{"claimed":0,"dead":0,"pending":3,"total":3}"#))

        let usage = try CommandRunner.run(["queue", "retry", "--all", "7"] + queue)
        #expect(usage.status == 64 && usage.stderr.contains("cannot be combined"))
    }
}

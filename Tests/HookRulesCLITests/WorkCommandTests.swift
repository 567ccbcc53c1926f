import Foundation
import LoopbackTarget
import Testing

@Suite("hookrules work, run as a process")
struct WorkCommandTests {
    @Test("drains replayed requests to the target, fanning incoming ones out to the other listening subscriptions")
    func drainWithFanOut() async throws {
        let folder = try TemporaryFolder()
        let queue = ["--queue", folder.path("queue")]
        let replay = try CommandRunner.run(["replay", "--enqueue"] + queue + ["samples/shopify/customers.update.json"])
        #expect(replay.status == 0, "\(replay.stderr)")

        let target = try await LoopbackTarget.start()
        let work = try CommandRunner.run(["work", "--target", target.url, "--drain", "--verbose"] + queue)
        #expect(work.status == 0, "\(work.stderr)")
        let bodies = target.received.map { String(decoding: $0.body, as: UTF8.self) }
        // demo-shopify's customer came in; every other subscription whose catalog has customer/updated gets it.
        let outbound = Set(bodies.filter { $0.contains(#""direction":"from""#) }.compactMap { body in
            ["demo-bigcommerce", "demo-dealerdesk", "demo-hubspot", "demo-stripe", "demo-github", "demo-woocommerce",
             "demo-salesforce"]
                .first { body.contains(#""subscription":"\#($0)""#) }
        })
        #expect(outbound == ["demo-bigcommerce", "demo-dealerdesk", "demo-hubspot", "demo-salesforce", "demo-stripe"])
        #expect(bodies.count == 6)
        #expect(work.stderr.contains("done \(bodies.count)"), "\(work.stderr)")
        #expect(work.stderr.contains("fanned out"))
        try await target.stop()
    }

    @Test("SIGTERM stops a worker gracefully: what it could not finish goes back to the queue; exit 0", .timeLimit(.minutes(1)))
    func gracefulStop() async throws {
        let folder = try TemporaryFolder()
        let queue = ["--queue", folder.path("queue")]
        _ = try CommandRunner.run(["replay", "--enqueue"] + queue + ["samples/hubspot"])
        let target = try await LoopbackTarget.start { _ in LoopbackTarget.Reply(status: 200, delay: .seconds(20)) }
        let stderr = folder.url.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
        let worker = try CommandRunner.start(
            ["work", "--target", target.url, "--grace", "1", "--no-fan-out"] + queue, stderr: try FileHandle(forWritingTo: stderr))
        while target.received.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        kill(worker.processIdentifier, SIGTERM)
        worker.waitUntilExit()
        let log = try String(contentsOf: stderr, encoding: .utf8)
        #expect(worker.terminationStatus == 0, "\(log)")
        #expect(log.contains("stopping: finishing requests in flight") && log.contains("released \(target.received.count)"), "\(log)")
        let stats = try CommandRunner.run(["queue", "stats", "--format", "jsonl"] + queue)
        #expect(stats.stdout.hasPrefix(#"{"claimed":0,"dead":0,"pending":18,"total":18}"#), "\(stats.stdout)")
        try await target.stop()
    }

    @Test("a target that sends its headers and stalls the body: retried after --timeout, dead-lettered after its attempts", .timeLimit(.minutes(1)))
    func stalledTarget() async throws {
        let folder = try TemporaryFolder()
        let queue = ["--queue", folder.path("queue")]
        let replay = try CommandRunner.run(["replay", "--enqueue"] + queue + ["samples/shopify/products.update.json"])
        #expect(replay.status == 0, "\(replay.stderr)")
        let target = try await LoopbackTarget.start { _ in LoopbackTarget.Reply(status: 200, body: "ok", bodyDelay: .seconds(60)) }
        let started = ContinuousClock.now
        let work = try CommandRunner.run([
            "work", "--target", target.url, "--drain", "--no-fan-out", "--timeout", "1", "--max-attempts", "2",
            "--retry-delay", "0", "--verbose",
        ] + queue)
        let took = started.duration(to: .now)
        #expect(work.status == 0, "\(work.stderr)")
        #expect(target.received.count == 2, "one delivery per attempt: \(work.stderr)")
        #expect(work.stderr.contains("retry ") && work.stderr.contains("dead "), "\(work.stderr)")
        #expect(work.stderr.contains("timed out: no complete response within 1 s"), "\(work.stderr)")
        // Two deadlines of 1 s, far from the target's 60 s stall (the slack is for a loaded machine).
        #expect(took < .seconds(30), "took \(took)")
        let dead = try CommandRunner.run(["queue", "dead", "--format", "jsonl"] + queue)
        #expect(dead.status == 0 && dead.stdout.contains("timed out"), "\(dead.stdout)\(dead.stderr)")
        try await target.stop()
    }
}

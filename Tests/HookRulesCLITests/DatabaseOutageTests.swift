import Foundation
import LoopbackTarget
import Testing

/// `hookrules work` while its PostgreSQL server goes away and comes back (`pg_ctl stop -m immediate` then `start`, and
/// `pg_ctl restart -m fast`), on a server each test owns: the worker stays up, resumes delivering by itself, loses
/// nothing acknowledged, delivers twice only what was in flight at a fault, and a stop during an outage ends it within
/// its grace period.
@Suite("hookrules work through PostgreSQL outages", .serialized)
struct DatabaseOutageTests {
    static let concurrency = 4

    /// Enqueues `count` requests through `hookrules bulk`; returns their external ids.
    static func enqueue(_ count: Int, first: Int = 1, on cluster: OwnPostgresCluster, folder: TemporaryFolder) throws -> [String] {
        let ids = (first..<first + count).map { "\(9_007_199_254_740_992 + $0)" }
        let csv = try folder.write("ids-\(first).csv", "id\n" + ids.joined(separator: "\n") + "\n")
        let bulk = try CommandRunner.run([
            "bulk", csv, "--subscription", "demo-hubspot", "--direction", "to", "--scope", "customer/updated",
            "--queue", cluster.url,
        ])
        guard bulk.status == 0 else { throw ToolRunner.ToolError(message: "bulk failed: \(bulk.stderr)") }
        return ids
    }

    static func work(_ target: LoopbackTarget, _ cluster: OwnPostgresCluster, _ extra: [String] = []) -> [String] {
        ["work", "--target", target.url, "--concurrency", "\(concurrency)", "--no-fan-out", "--retry-delay", "0",
         "--queue", cluster.url] + extra
    }

    /// The external id of each delivery the target received, in arrival order.
    static func deliveredIds(_ target: LoopbackTarget) throws -> [String] {
        try target.received.map { received in
            let body = try JSONSerialization.jsonObject(with: received.body) as? [String: Any]
            return (body?["request"] as? [String: Any])?["externalId"] as? String ?? "?"
        }
    }

    @Test("delivering: an immediate stop and start, then a fast restart; delivery resumes, nothing is lost", .timeLimit(.minutes(3)))
    func outagesWhileDelivering() async throws {
        let cluster = try OwnPostgresCluster.start()
        defer { cluster.remove() }
        let folder = try TemporaryFolder()
        // 600 requests at 50 ms, four at a time: about 8 s of deliveries, so both faults land while the worker is
        // still delivering even when the machine is slow to notice the first 60.
        let ids = try Self.enqueue(600, on: cluster, folder: folder)
        let target = try await LoopbackTarget.start { _ in LoopbackTarget.Reply(status: 200, delay: .milliseconds(50)) }
        let worker = try RunningCommand(Self.work(target, cluster, ["--lease", "5", "--drain", "--verbose"]), logIn: folder)

        // How many deliveries the target had received when each fault began and when the server was down.
        var faults: [ClosedRange<Int>] = []
        #expect(try await eventually(within: .seconds(60)) { target.received.count >= 60 }, "\(worker.stderr)")
        var before = target.received.count
        try cluster.pause(.immediate)
        faults.append(before...target.received.count)
        try await Task.sleep(for: .seconds(2))
        try cluster.resume()
        #expect(try await eventually(within: .seconds(60)) { target.received.count >= before + 100 },
                "delivery did not resume after the immediate stop: \(worker.stderr)")
        before = target.received.count
        try cluster.restart(.fast)
        faults.append(before...target.received.count)

        let (status, _) = try await worker.waitForExit(timeout: .seconds(120))
        #expect(status == 0, "\(worker.stderr)")
        #expect(worker.stderr.contains("the queue is out of reach, retrying: PostgreSQL: "), "\(worker.stderr)")
        #expect(worker.stderr.contains("the queue answers again after"), "\(worker.stderr)")
        #expect(!worker.stderr.contains("Generic description"), "\(worker.stderr)")

        // A claim whose answer the fault cut off stays claimed until its lease expires; a second worker takes it then.
        if try cluster.psql("SELECT count(*) FROM queue_item").first != "0" {
            try await Task.sleep(for: .seconds(6))
            let rest = try CommandRunner.run(Self.work(target, cluster, ["--drain"]))
            #expect(rest.status == 0, "\(rest.stderr)")
        }
        let delivered = try Self.deliveredIds(target)
        Self.checkDeliveries(delivered, of: ids, faults: faults, log: worker.stderr)
        #expect(try cluster.psql("SELECT count(*) FROM queue_item") == ["0"])
        try await target.stop()
        print("outage test: \(delivered.count) deliveries of \(ids.count) requests across faults at \(faults), "
            + "\(delivered.count - Set(delivered).count) duplicate(s)")
    }

    /// Every id delivered; an id delivered twice only when its first delivery was in flight at a fault: among the
    /// last few the target received before the fault began, or received while the server went down, and its second
    /// after that.
    static func checkDeliveries(_ delivered: [String], of ids: [String], faults: [ClosedRange<Int>], log: String) {
        #expect(Set(delivered) == Set(ids), "\(Set(ids).subtracting(delivered).count) acknowledged request(s) never delivered")
        var firstIndex: [String: Int] = [:]
        for (index, id) in delivered.enumerated() {
            guard let first = firstIndex[id] else {
                firstIndex[id] = index
                continue
            }
            let explained = faults.contains { fault in
                (fault.lowerBound - concurrency...fault.upperBound).contains(first) && index > fault.lowerBound
            }
            let lines = log.split(separator: "\n").filter { $0.contains(id) }
            #expect(explained, "\(id) delivered at \(first) and again at \(index), not across a fault (\(faults)): \(lines)")
        }
    }

    @Test("idle: an immediate stop and start, then a fast restart; the worker stays up and delivers what comes next", .timeLimit(.minutes(3)))
    func outagesWhileIdle() async throws {
        let cluster = try OwnPostgresCluster.start()
        defer { cluster.remove() }
        let folder = try TemporaryFolder()
        let target = try await LoopbackTarget.start()
        let worker = try RunningCommand(Self.work(target, cluster, ["--grace", "2"]), logIn: folder)
        #expect(try await eventually(within: .seconds(30)) { worker.stderr.contains("at a time") }, "\(worker.stderr)")

        try cluster.pause(.immediate)
        try await Task.sleep(for: .seconds(3))
        try cluster.resume()
        try await Task.sleep(for: .seconds(1))
        try cluster.restart(.fast)
        try await Task.sleep(for: .seconds(1))
        #expect(worker.process.isRunning, "\(worker.stderr)")

        let ids = try Self.enqueue(20, on: cluster, folder: folder)
        #expect(try await eventually(within: .seconds(60)) { Set(try Self.deliveredIds(target)) == Set(ids) },
                "\(target.received.count) of 20 delivered: \(worker.stderr)")
        worker.signal(SIGTERM)
        let (status, _) = try await worker.waitForExit(timeout: .seconds(30))
        #expect(status == 0, "\(worker.stderr)")
        try await target.stop()
    }

    @Test("SIGTERM during an outage ends the worker within its grace period; what it held comes back", .timeLimit(.minutes(3)))
    func stopDuringOutage() async throws {
        let cluster = try OwnPostgresCluster.start()
        defer { cluster.remove() }
        let folder = try TemporaryFolder()
        let ids = try Self.enqueue(40, on: cluster, folder: folder)
        let target = try await LoopbackTarget.start { _ in LoopbackTarget.Reply(status: 200, delay: .milliseconds(300)) }
        let grace = 2
        let worker = try RunningCommand(Self.work(target, cluster, ["--grace", "\(grace)", "--lease", "3"]), logIn: folder)
        #expect(try await eventually(within: .seconds(60)) { target.received.count >= 8 }, "\(worker.stderr)")

        try cluster.pause(.immediate)
        try await Task.sleep(for: .milliseconds(500))
        worker.signal(SIGTERM)
        let (status, took) = try await worker.waitForExit(timeout: .seconds(30))
        #expect(status == 0, "\(worker.stderr)")
        // The grace period, and a little for the process to end.
        #expect(took < .seconds(grace) + .milliseconds(1500), "SIGTERM took \(took) in the outage: \(worker.stderr)")

        try cluster.resume()
        try await Task.sleep(for: .seconds(4))
        let rest = try CommandRunner.run(Self.work(target, cluster, ["--drain"]))
        #expect(rest.status == 0, "\(rest.stderr)")
        #expect(Set(try Self.deliveredIds(target)) == Set(ids))
        #expect(try cluster.psql("SELECT count(*) FROM queue_item") == ["0"])
        try await target.stop()
    }

    @Test("--exit-on-db-loss: a worker whose database stays away exits with status 69, saying why", .timeLimit(.minutes(2)))
    func exitOnDatabaseLoss() async throws {
        let cluster = try OwnPostgresCluster.start()
        defer { cluster.remove() }
        let folder = try TemporaryFolder()
        let target = try await LoopbackTarget.start()
        let worker = try RunningCommand(Self.work(target, cluster, ["--exit-on-db-loss", "2"]), logIn: folder)
        #expect(try await eventually(within: .seconds(30)) { worker.stderr.contains("at a time") }, "\(worker.stderr)")
        try cluster.pause(.fast)
        let (status, _) = try await worker.waitForExit(timeout: .seconds(60))
        #expect(status == 69, "\(worker.stderr)")
        let lasted = worker.stderr.firstMatch(of: /out of reach for ([\d.]+) s, longer than allowed/).flatMap { Double($0.1) }
        #expect(lasted.map { $0 >= 2 } == true, "\(worker.stderr)")
        #expect(worker.stderr.contains("Connection refused"), "\(worker.stderr)")
        try await target.stop()
    }

    @Test("serve --target: /readyz is 503 while the database is away, naming the workers' outage, and 200 again after", .timeLimit(.minutes(2)))
    func readinessDuringAnOutage() async throws {
        let cluster = try OwnPostgresCluster.start()
        defer { cluster.remove() }
        let target = try await LoopbackTarget.start()
        let serve = try ServeProcess(["--queue", cluster.url, "--target", target.url, "--grace", "1"])
        let port = try await serve.waitUntilServing()
        let readiness = Readiness(client: ServeClient(), port: port)
        #expect(try await readiness.state().status == 200)

        try cluster.pause(.fast)
        let down = try await readiness.waitFor("the workers' outage in /readyz", timeout: .seconds(60)) {
            $0.status == 503 && $0.text.contains("workers: the queue has been out of reach since")
        }
        #expect(down.text.contains("queue: unreachable"), "\(down.text)")
        #expect(serve.logText.contains("workers: the queue is out of reach, retrying"), "\(serve.logText)")

        try cluster.resume()
        try await readiness.waitFor("readiness after the outage", timeout: .seconds(60)) { $0.status == 200 }
        #expect(serve.logText.contains("workers: the queue answers again after"), "\(serve.logText)")
        #expect(try await serve.stop() == 0, "\(serve.logText)")
        try await target.stop()
    }
}

import Foundation
import GRDB
import HookQueueSQLite
import LoopbackTarget
import Testing

/// Kills `hookrules bulk` and `hookrules work` with SIGKILL at random points, over and over, then lets them
/// finish, and checks what the queue promises: every acknowledged request (every row the bulk import's checkpoint
/// covers) is delivered at least once, a request is delivered twice only when a worker died holding it, and the
/// database passes its integrity check — on each backend.
@Suite("Crash test: SIGKILL the enqueuer and the workers", .serialized)
struct CrashTests {
    /// At least this many kills (`HOOKRULES_CRASH_KILLS` to change it).
    static let kills = ProcessInfo.processInfo.environment["HOOKRULES_CRASH_KILLS"].flatMap(Int.init) ?? 100
    static let rows = 1_500

    @Test(
        "nothing acknowledged is lost; duplicates only across a crash; integrity ok", .timeLimit(.minutes(10)),
        arguments: CrashedQueue.Kind.allCases
    )
    func killRepeatedly(backend: CrashedQueue.Kind) async throws {
        let folder = try TemporaryFolder()
        let crashed = try CrashedQueue(backend, folder: folder)
        let ids = (1...Self.rows).map { "\(9_007_199_254_740_992 + $0)" }
        let csv = try folder.write("ids.csv", "id\n" + ids.joined(separator: "\n") + "\n")
        // A target a little slow, so workers die with requests in flight.
        let target = try await LoopbackTarget.start { _ in LoopbackTarget.Reply(status: 200, delay: .milliseconds(5)) }
        let queue = ["--queue", crashed.location]
        let bulk = [
            "bulk", csv, "--subscription", "demo-hubspot", "--direction", "to", "--scope", "customer/updated",
            "--batch-size", "20", "--rate", "400/s",
        ] + queue
        func work(_ id: String, drain: Bool = false) -> [String] {
            ["work", "--target", target.url, "--worker-id", id, "--concurrency", "4", "--lease", "2", "--retry-delay", "0",
             "--max-attempts", "1000", "--no-fan-out"] + queue + (drain ? ["--drain"] : [])
        }

        var killed: Set<String> = []
        var kills = 0
        var acknowledged = 0
        var enqueuerKills = 0
        var round = 0
        while kills < Self.kills {
            round += 1
            let workerId = "worker-\(round)"
            let processes = [try CommandRunner.start(bulk), try CommandRunner.start(work(workerId))]
            // Until the import has acknowledged a batch, the window grows: on a loaded machine starting the two
            // processes alone can take longer than 400 ms, and kills that all land before the first commit test
            // nothing.
            let window = acknowledged == 0 ? 400 + 100 * round : 400
            try await Task.sleep(for: .milliseconds(Int.random(in: 30...window)))
            for (index, process) in processes.enumerated() where process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
                if index == 0 { enqueuerKills += 1 } else { killed.insert(workerId) }
            }
            for process in processes { process.waitUntilExit() }
            // What the import's checkpoint acknowledged survives the crash: it never moves back.
            let checkpoint = try crashed.checkpointRows()
            #expect(checkpoint >= acknowledged, "round \(round): the checkpoint moved back from \(acknowledged) to \(checkpoint)")
            acknowledged = checkpoint
        }
        #expect(enqueuerKills > 0 && acknowledged > 0, "the kills never interrupted the import")

        // Let everything finish: the import, then workers once the dead workers' leases have expired.
        let finishImport = try CommandRunner.run(bulk)
        #expect(finishImport.status == 0, "\(finishImport.stderr)")
        try await Task.sleep(for: .seconds(2.5))
        let finishWork = try CommandRunner.run(work("final", drain: true))
        #expect(finishWork.status == 0, "\(finishWork.stderr)")

        let deliveries = try target.received.map { received in
            let body = try JSONSerialization.jsonObject(with: received.body) as? [String: Any]
            let request = body?["request"] as? [String: Any]
            return (id: request?["externalId"] as? String ?? "?", worker: received.header("X-HookRules-Worker") ?? "?")
        }
        let byId = Dictionary(grouping: deliveries, by: \.id)
        #expect(Set(byId.keys) == Set(ids), "\(Set(ids).subtracting(byId.keys).count) acknowledged request(s) never delivered")
        // Every delivery but the last of an id must come from a worker that was killed before it could complete.
        let unexplained = byId.values.flatMap { $0.dropLast() }.filter { !killed.contains($0.worker) }
        #expect(unexplained.isEmpty, "duplicates not explained by a crash: \(unexplained.prefix(5))")

        #expect(try crashed.integrityProblems() == [])
        #expect(try crashed.requestsLeft() == 0)
        try crashed.remove()
        try await target.stop()
        print("crash test on \(backend): \(kills) kills (\(enqueuerKills) of bulk) over \(round) rounds; \(deliveries.count) deliveries of \(ids.count) requests, "
            + "\(deliveries.count - byId.count) duplicate(s), from \(killed.count) killed workers")
    }

}

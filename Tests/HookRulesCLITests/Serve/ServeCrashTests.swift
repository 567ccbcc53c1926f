import Foundation
import Testing

/// Kills `hookrules serve` with SIGKILL while a client posts hooks as fast as it answers, over and over, and checks
/// after each crash what a 2xx promises: every acknowledged hook's requests are in the queue (a 202's under the hook
/// id it answered), no hook is there in part, a redelivered hook (the client sends again what it got no 2xx for,
/// as providers do) is not committed twice, and the database passes its integrity check — on each backend.
@Suite("Crash test: SIGKILL serve under load", .serialized)
struct ServeCrashTests {
    /// How many kills (`HOOKRULES_SERVE_CRASH_KILLS` to change it).
    static let kills = ProcessInfo.processInfo.environment["HOOKRULES_SERVE_CRASH_KILLS"].flatMap(Int.init) ?? 100
    /// One kill in this many lands while the server starts (opening the database, loading the rules), not under load.
    static let startupKillEvery = 10

    @Test(
        "every acknowledged hook survives a SIGKILL, none in part or twice; integrity ok", .timeLimit(.minutes(10)),
        arguments: CrashedQueue.Kind.allCases
    )
    func killUnderLoad(backend: CrashedQueue.Kind) async throws {
        let folder = try TemporaryFolder()
        let queue = try ServedQueue(backend, folder: folder)
        let ledger = HookLedger()
        let client = ServeClient()
        var startupTimes: [Duration] = []
        var checkTimes: [Duration] = []
        var startupKills = 0, killsUnderLoad = 0
        /// Kills under load that cut off sends in flight: those test what a 2xx means.
        var killsInFlight = 0
        var failedRounds = 0

        for round in 1...Self.kills {
            let serve = try ServeProcess(["--queue", queue.location])
            let launched = ContinuousClock.now
            let typicalStart = startupTimes.sorted().dropFirst(startupTimes.count / 2).first
            if round % Self.startupKillEvery == 0, let typical = typicalStart {
                // Anywhere in the time a start usually takes: before, while or after the database opens.
                try await Task.sleep(for: typical * Double.random(in: 0..<1))
                serve.crash()
                startupKills += 1
            } else {
                let port = try await serve.waitUntilServing()
                startupTimes.append(ContinuousClock.now - launched)
                let load = LoadRunner(ledger: ledger, client: client).start(port: port)
                try await Task.sleep(for: .milliseconds(Int.random(in: 10...300)))
                // The kill lands at the next moment a hook is in flight (the load leaves gaps between sends).
                let latest = ContinuousClock.now + .milliseconds(200)
                while ledger.sendsInFlight == 0 && ContinuousClock.now < latest { try await Task.sleep(for: .milliseconds(1)) }
                // No new sends from here: what fails after the kill was in flight at it.
                ledger.pause(true)
                let cutBefore = ledger.unansweredSends
                serve.crash()
                await load.stop()
                killsUnderLoad += 1
                if ledger.unansweredSends > cutBefore { killsInFlight += 1 }
            }

            let checking = ContinuousClock.now
            let problems = ledger.problems(in: try queue.requestsBySQL())
            #expect(problems.isEmpty, "round \(round): \(problems.prefix(10).joined(separator: "\n"))")
            // SQLite's check is in-process and quick: after every crash. PostgreSQL's own process was not killed.
            if backend == .sqlite && queue.exists {
                let integrity = try queue.integrityProblems()
                #expect(integrity.isEmpty, "round \(round): \(integrity)")
                if !integrity.isEmpty { failedRounds += 1 }
            }
            checkTimes.append(ContinuousClock.now - checking)
            if !problems.isEmpty { failedRounds += 1 }
            if failedRounds >= 3 { break }
        }

        // A server left running takes what was never acknowledged, sent again; then everything is there once.
        let serve = try ServeProcess(["--queue", queue.location])
        let port = try await serve.waitUntilServing()
        for _ in 0..<5 where ledger.unacknowledgedCount > 0 {
            await LoadRunner(ledger: ledger, client: client, newHooks: false).run(port: port)
        }
        #expect(try await serve.stop() == 0, "\(serve.logText)")
        // Read through the queue's own API this time.
        let entries = try await queue.requests()
        let problems = ledger.problems(in: entries, complete: true)
        #expect(problems.isEmpty, "\(problems.prefix(10).joined(separator: "\n"))")
        #expect(ledger.unexpectedAnswers.isEmpty, "\(ledger.unexpectedAnswers.prefix(5))")
        #expect(try queue.integrityProblems() == [])

        let records = ledger.records
        let duplicates = records.filter { $0.acknowledgement == .duplicate }.count
        let merged = entries.filter { $0.coalesced > 0 }.count
        // The kills must have met hooks in flight, or they tested nothing.
        #expect(
            killsInFlight * 2 >= killsUnderLoad,
            "only \(killsInFlight) of \(killsUnderLoad) kills under load cut off sends in flight")
        print("""
            serve crash test on \(backend): \(startupKills + killsUnderLoad) kills (\(startupKills) while starting, \
            \(killsInFlight) cutting off sends in flight), \(records.count) hooks acknowledged with \(entries.count) \
            requests; \(ledger.unansweredSends) sends cut off, \(ledger.refusedSends) refused with 503/429; \(duplicates) \
            redeliveries answered as duplicates, \(merged) requests of hooks without a delivery id committed again on \
            redelivery (merged); median start \(Self.median(startupTimes)), median check \(Self.median(checkTimes))
            """)
        try await queue.remove()
    }

    static func median(_ durations: [Duration]) -> String {
        guard !durations.isEmpty else { return "-" }
        let middle = durations.sorted()[durations.count / 2]
        return "\(Int(middle / .milliseconds(1))) ms"
    }
}

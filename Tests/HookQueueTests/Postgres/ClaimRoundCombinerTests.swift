import HookQueue
@testable import HookQueuePostgres
import Synchronization
import Testing

/// The combiner alone, with a stand-in for the statement: no database. Each caller is told apart by its limit.
@Suite("Claim rounds shared between one worker's callers", .timeLimit(.minutes(1)))
struct ClaimRoundCombinerTests {
    /// A stand-in round: records the limits of each call's parts, holds the calls numbered in `holding` until
    /// ``releaseHeld()``, fails the call numbered `failing`, and answers each part with a fence whose id is its limit
    /// and whose attempt is the call's number.
    final class Rounds: Sendable {
        let calls = Mutex<[[Int]]>([])
        let holding: Set<Int>
        let failing: Int?
        private let held = Mutex<[CheckedContinuation<Void, Never>]>([])

        init(holding: Set<Int>, failing: Int? = nil) {
            self.holding = holding
            self.failing = failing
        }

        var callCount: Int { calls.withLock(\.count) }

        func execute(_ parts: [ClaimRoundPart]) async throws -> [ClaimRound] {
            let call = calls.withLock { calls in
                calls.append(parts.map(\.limit))
                return calls.count
            }
            if holding.contains(call) {
                await withCheckedContinuation { continuation in held.withLock { $0.append(continuation) } }
            }
            if call == failing { throw TransferQueueError.invalidArgument("round \(call) failed") }
            return parts.map { ClaimRound(settled: [ClaimFence(id: Int64($0.limit), attempt: call)]) }
        }

        func releaseHeld() {
            for continuation in held.withLock({ held in defer { held = [] }; return held }) { continuation.resume() }
        }
    }

    static func part(_ worker: String, limit: Int, lease: Duration = .seconds(60)) -> ClaimRoundPart {
        ClaimRoundPart(completing: [], worker: worker, limit: limit, lease: lease)
    }

    /// With one round at a time: "w" with limit 1 runs and is held; limits 2–4 of "w" arrive and wait; then the
    /// first round is released.
    static func runFourOfOneWorker(_ rounds: Rounds) async -> (ClaimRoundCombiner, [Int: Result<ClaimRound, any Error>]) {
        let combiner = ClaimRoundCombiner(maxRunning: 1)
        let results = await withTaskGroup(of: (Int, Result<ClaimRound, any Error>).self) { group in
            func start(_ limit: Int) {
                group.addTask {
                    do {
                        return (limit, .success(try await combiner.run(part("w", limit: limit), execute: rounds.execute)))
                    } catch {
                        return (limit, .failure(error))
                    }
                }
            }
            start(1)
            while rounds.callCount == 0 { await Task.yield() }
            for limit in 2...4 { start(limit) }
            while combiner.waitingCallers < 3 { await Task.yield() }
            rounds.releaseHeld()
            return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        return (combiner, results)
    }

    @Test("a caller alone runs at once; the worker's callers arriving meanwhile share the next round, each its own part")
    func sharing() async throws {
        let rounds = Rounds(holding: [1])
        let (combiner, results) = await Self.runFourOfOneWorker(rounds)
        let calls = rounds.calls.withLock { $0 }
        #expect(calls.count == 2 && calls[0] == [1] && Set(calls[1]) == [2, 3, 4], "\(calls)")
        for limit in 1...4 {
            let settled = try #require(try results[limit]?.get().settled)
            #expect(settled == [ClaimFence(id: Int64(limit), attempt: limit == 1 ? 1 : 2)], "caller \(limit)")
        }
        #expect(combiner.sharedRounds == 1 && combiner.waitingCallers == 0)
    }

    @Test("when a shared round fails, the caller that ran it gets the error and the others run their parts again")
    func failureOnlyReachesTheRunner() async throws {
        let rounds = Rounds(holding: [1], failing: 2)
        let (_, results) = await Self.runFourOfOneWorker(rounds)
        let calls = rounds.calls.withLock { $0 }
        // The second call's runner (whichever of 2, 3, 4 arrived first) fails; the two others run again, together or
        // one after the other, each exactly once more.
        #expect(calls.count >= 3 && Set(calls[1]) == [2, 3, 4], "\(calls)")
        let runner = try #require(calls[1].first)
        let again = calls.dropFirst(2).flatMap { $0 }
        #expect(again.sorted() == calls[1].filter { $0 != runner }.sorted(), "\(calls)")
        #expect(throws: TransferQueueError.self) { try results[runner]?.get() }
        for limit in again { #expect(throws: Never.self) { try results[limit]?.get() } }
        #expect(try results[1]?.get().settled.map(\.attempt) == [1])
    }

    @Test("two rounds of a worker run at once; a third caller waits; another worker or lease never waits for them")
    func concurrentRoundsAndOtherWorkers() async throws {
        let combiner = ClaimRoundCombiner(maxRunning: 2)
        let rounds = Rounds(holding: [1, 2])
        let results = await withTaskGroup(of: (Int, Result<ClaimRound, any Error>).self) { group in
            func start(_ part: ClaimRoundPart) {
                group.addTask {
                    do {
                        return (part.limit, .success(try await combiner.run(part, execute: rounds.execute)))
                    } catch {
                        return (part.limit, .failure(error))
                    }
                }
            }
            start(Self.part("w", limit: 1))
            while rounds.callCount < 1 { await Task.yield() }
            start(Self.part("w", limit: 2))
            while rounds.callCount < 2 { await Task.yield() }
            start(Self.part("w", limit: 3))
            while combiner.waitingCallers < 1 { await Task.yield() }
            // Both of "w"'s rounds are still held: these run all the same.
            start(Self.part("v", limit: 4))
            start(Self.part("w", limit: 5, lease: .seconds(30)))
            while rounds.callCount < 4 { await Task.yield() }
            #expect(combiner.waitingCallers == 1)
            rounds.releaseHeld()
            return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        let calls = rounds.calls.withLock { $0 }
        #expect(calls.count == 5 && calls[4] == [3], "\(calls)")
        #expect(Set(calls.prefix(4)) == [[1], [2], [4], [5]], "\(calls)")
        for limit in 1...5 { #expect(try results[limit]?.get().settled.map(\.id) == [QueueItemID(Int64(limit))]) }
        #expect(combiner.sharedRounds == 0 && combiner.waitingCallers == 0)
    }

    @Test("a caller that gives up leaves the line, and a leader that gives up hands its turn over though its statement is still out")
    func callersGivingUp() async throws {
        let combiner = ClaimRoundCombiner(maxRunning: 1)
        // Round 1 never answers (a statement on a connection that is gone); round 2 answers at once.
        let rounds = Rounds(holding: [1])
        let leader = Task { try await combiner.run(Self.part("w", limit: 1), execute: rounds.execute) }
        while rounds.callCount == 0 { await Task.yield() }

        let quitter = Task { try await combiner.run(Self.part("w", limit: 2), execute: rounds.execute) }
        while combiner.waitingCallers < 1 { await Task.yield() }
        quitter.cancel()
        await #expect(throws: CancellationError.self) { try await quitter.value }
        #expect(combiner.waitingCallers == 0)

        let waiting = Task { try await combiner.run(Self.part("w", limit: 3), execute: rounds.execute) }
        while combiner.waitingCallers < 1 { await Task.yield() }
        leader.cancel()
        let round = try await waiting.value
        #expect(round.settled == [ClaimFence(id: 3, attempt: 2)], "the waiting caller ran round 2 on its own")
        #expect(rounds.calls.withLock { $0 } == [[1], [3]])
        rounds.releaseHeld()
        _ = try? await leader.value
    }
}

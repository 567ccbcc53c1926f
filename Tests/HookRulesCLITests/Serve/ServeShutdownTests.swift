import Foundation
import LoopbackTarget
import Testing

@Suite("serve stops gracefully on SIGTERM under load")
struct ServeShutdownTests {
    @Test(
        "exits 0 within 15 s; every 2xx committed; the rest cut off or refused, never acknowledged unsaved",
        .timeLimit(.minutes(2)), arguments: CrashedQueue.Kind.allCases
    )
    func stopUnderLoad(backend: CrashedQueue.Kind) async throws {
        let folder = try TemporaryFolder()
        let queue = try ServedQueue(backend, folder: folder)
        let ledger = HookLedger()
        let client = ServeClient()
        let serve = try ServeProcess(["--queue", queue.location])
        let port = try await serve.waitUntilServing()
        let load = LoadRunner(ledger: ledger, client: client, senders: 16).start(port: port)
        try await ledger.waitForAcknowledgements(100)

        let signalled = ContinuousClock.now
        serve.signal(SIGTERM)
        let status = try await serve.waitForExit(timeout: .seconds(15))
        let stoppedAfter = ContinuousClock.now - signalled
        // The senders keep going until the process is gone: what it answers while stopping counts.
        await load.stop()

        #expect(status == 0, "serve did not exit 0 within 15 s of SIGTERM:\n\(serve.logText)")
        #expect(serve.logText.contains("stopped"), "\(serve.logText)")
        let problems = ledger.problems(in: try await queue.requests())
        #expect(problems.isEmpty, "\(problems.prefix(10).joined(separator: "\n"))")
        #expect(ledger.unexpectedAnswers.isEmpty, "\(ledger.unexpectedAnswers.prefix(5))")
        // Hooks in flight at the signal are finished, not dropped: usually a few acknowledgements arrive after it
        // (reported below). Not asserted: whether any hook is past reading its body at the very moment of the signal
        // is down to timing, and every acknowledgement, before or after, is checked against the queue above.
        let acknowledgedAfter = ledger.records.filter { ($0.acknowledged ?? signalled) > signalled }.count
        print("""
            serve SIGTERM under load on \(backend): stopped in \(Int(stoppedAfter / .milliseconds(1))) ms; \
            \(ledger.acknowledgedCount) hooks acknowledged (\(acknowledgedAfter) after the signal), \
            \(ledger.unansweredSends) sends cut off, \(ledger.refusedSends) refused with 503/429
            """)
        try await queue.remove()
    }

    @Test(
        "with --target, the in-process workers give back what they could not deliver within their grace",
        .timeLimit(.minutes(1)))
    func workersReleaseClaims() async throws {
        let folder = try TemporaryFolder()
        let queue = try ServedQueue(.sqlite, folder: folder)
        // A target slower than the workers' grace: the requests it holds at the signal cannot finish.
        let target = try await LoopbackTarget.start { _ in LoopbackTarget.Reply(status: 200, delay: .seconds(30)) }
        let client = ServeClient()
        let serve = try ServeProcess([
            "--queue", queue.location, "--target", target.url, "--concurrency", "2", "--grace", "1",
        ])
        let port = try await serve.waitUntilServing()
        for number in 0..<5 {
            let hook = LoadHook.shopifyProduct(LoadHook.firstId + UInt64(number))
            let answer = try await client.post(hook.request(base: "http://127.0.0.1:\(port)"))
            #expect(answer.status == 202, "\(answer.body)")
        }
        try await eventually { target.received.count >= 2 }

        let signalled = ContinuousClock.now
        serve.signal(SIGTERM)
        let status = try await serve.waitForExit(timeout: .seconds(20))
        let stoppedAfter = ContinuousClock.now - signalled
        #expect(status == 0, "\(serve.logText)")
        #expect(serve.logText.contains("released=2"), "\(serve.logText)")
        // --grace 1: the workers give up on the 30 s deliveries after a second, not the default ten.
        #expect(stoppedAfter < .seconds(8), "stopped after \(stoppedAfter)")
        let entries = try await queue.entries()
        #expect(entries.count == 5 && entries.allSatisfy { $0.state == .pending }, "\(entries.map(\.state))")
        try await target.stop()
        try await queue.remove()
    }
}

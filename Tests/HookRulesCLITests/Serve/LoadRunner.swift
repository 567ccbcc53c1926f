import Foundation

/// Senders posting a ledger's hooks to `serve`, each sending its next hook once the last is answered (and its turn
/// at the load's rate has come), until the ledger is paused (or, without new hooks, until none is left to send).
/// Every answer goes to the ledger; a 2xx counts only once its whole response has arrived.
///
/// A load stops by pausing the ledger, never by cancelling a request in flight: a server still running would
/// commit a cancelled hook all the same, perhaps after the client sent it again, and its requests would then carry
/// the hook id of the send the client never heard back from.
struct LoadRunner: Sendable {
    let ledger: HookLedger
    let client: ServeClient
    /// How many hooks are in flight at once, at most.
    var senders = 8
    /// Hooks sent per second, at most, by all senders together: enough to keep several in flight at any moment,
    /// well short of saturating a small machine that runs the rest of the suite alongside.
    var rate = 250
    /// Whether to make new hooks, or only send again those not acknowledged yet.
    var newHooks = true
    /// The secret to sign with as it is at each send (a rotation under load), instead of the hook's own.
    var secret: (@Sendable () -> String)? = nil

    /// The servers to post to, in turn (one, or several behind "a load balancer").
    func run(ports: @escaping @Sendable () -> [Int]) async {
        await withTaskGroup(of: Void.self) { group in
            for number in 0..<senders {
                group.addTask {
                    // Each sender alternates between the servers, starting at a different one.
                    var turn = number
                    let interval = Duration.seconds(Double(senders) / Double(rate))
                    var due = ContinuousClock.now + interval * (Double(number) / Double(senders))
                    while true {
                        try? await Task.sleep(until: due, clock: .continuous)
                        due = max(due + interval, .now)
                        guard let next = ledger.take(newHooks: newHooks) else { break }
                        let (index, hook) = next
                        let ports = ports()
                        let port = ports[turn % ports.count]
                        turn += 1
                        do {
                            let sender = secret.map { hook.sender.with(secret: $0()) } ?? hook.sender
                            let request = try sender.request(
                                base: "http://127.0.0.1:\(port)", headers: hook.headers, body: hook.body)
                            ledger.answered(index, try await client.post(request))
                        } catch {
                            ledger.answered(index, nil)
                            // A server that is gone refuses at once: do not spin.
                            try? await Task.sleep(for: .milliseconds(10))
                        }
                    }
                }
            }
        }
    }

    func run(port: Int) async {
        await run(ports: { [port] })
    }

    /// Runs in the background until ``RunningLoad/stop()``.
    func start(ports: @escaping @Sendable () -> [Int]) -> RunningLoad {
        RunningLoad(ledger: ledger, task: Task { await run(ports: ports) })
    }

    func start(port: Int) -> RunningLoad {
        start(ports: { [port] })
    }
}

/// A load running in the background.
struct RunningLoad {
    let ledger: HookLedger
    let task: Task<Void, Never>

    /// Hands out no more hooks and waits until every send in flight is answered (or failed); then the ledger hands
    /// out hooks again, for the next load.
    func stop() async {
        ledger.pause(true)
        await task.value
        ledger.pause(false)
    }
}

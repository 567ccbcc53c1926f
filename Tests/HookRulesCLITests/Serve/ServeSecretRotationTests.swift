import Foundation
import Synchronization
import Testing

/// Hot reload while a client posts: the subscriptions file rewritten with a rotated secret under a running `serve`.
@Suite("serve rotates a subscription's secret under load")
struct ServeSecretRotationTests {
    @Test(
        "a secret rotated under load: both secrets verify while both are listed, only the new one once the old is removed",
        .timeLimit(.minutes(2))
    )
    func secretRotationUnderLoad() async throws {
        let copy = try ScratchCopy()
        defer { copy.remove() }
        let folder = try TemporaryFolder()
        let queue = try ServedQueue(.sqlite, folder: folder)
        let old = "demo-shopify-secret", new = "rotated-shopify-secret"
        let secret = SecretInUse(old)
        let ledger = HookLedger { LoadHook.shopifyProduct(LoadHook.firstId + $0) }
        let client = ServeClient()
        let serve = try ServeProcess(["--rules", copy.rules.path, "--queue", queue.location])
        let port = try await serve.waitUntilServing()
        let load = LoadRunner(ledger: ledger, client: client, secret: { secret.value }).start(port: port)
        try await ledger.waitForAcknowledgements(50)

        var probes = Probes(client: client, port: port)
        let oldSecret = #"secrets: ["demo-shopify-secret"]"#
        try copy.edit("rules/subscriptions.yaml", replacing: oldSecret, with: #"secrets: ["\#(new)", "\#(old)"]"#)
        serve.signal(SIGHUP)
        try await probes.waitFor(status: 202, signedWith: new, "the new secret to verify")
        #expect(try await probes.send(signedWith: old) == 202, "the old secret still verifies while it is listed")
        secret.value = new
        let switched = ContinuousClock.now
        try await ledger.waitForAcknowledgements(50, after: switched)

        try copy.edit(
            "rules/subscriptions.yaml", replacing: #"secrets: ["\#(new)", "\#(old)"]"#, with: #"secrets: ["\#(new)"]"#)
        try await probes.waitFor(status: 401, signedWith: old, "the removed secret to be refused")
        #expect(try await probes.send(signedWith: new) == 202)
        let removed = ContinuousClock.now
        try await ledger.waitForAcknowledgements(50, after: removed)

        // A change whose secret cannot be resolved keeps the secrets in force and says why in /readyz.
        let readiness = Readiness(client: client, port: port)
        let unset = "HOOKRULES_TEST_UNSET_ROTATION_SECRET"
        try copy.edit("rules/subscriptions.yaml", replacing: #"secrets: ["\#(new)"]"#, with: #"secrets: ["${\#(unset)}"]"#)
        let broken = try await readiness.waitFor("the unresolvable secret to be reported") {
            $0.text.contains("did not load")
        }
        #expect(broken.text.contains(unset) && broken.text.contains(#"subscription "demo-shopify""#), "\(broken.text)")
        #expect(broken.text.contains("access settings did not load, the previous ones apply"), "\(broken.text)")
        try await ledger.waitForAcknowledgements(50, after: ContinuousClock.now)
        try copy.edit("rules/subscriptions.yaml", replacing: #"secrets: ["${\#(unset)}"]"#, with: #"secrets: ["\#(new)"]"#)
        try await readiness.waitFor("the repaired subscriptions to load") { !$0.text.contains("did not load") }

        await load.stop()
        #expect(try await serve.stop() == 0, "\(serve.logText)")
        let entries = try await queue.requests().filter { !probes.ids.contains($0.externalId) }
        let problems = ledger.problems(in: entries)
        #expect(problems.isEmpty, "\(problems.prefix(10).joined(separator: "\n"))")
        #expect(
            ledger.unexpectedAnswers.isEmpty, "the load signed with a listed secret only: \(ledger.unexpectedAnswers.prefix(5))")
        let rejected = try queue.listedByCLI(.rejected)
        #expect(!rejected.isEmpty && rejected.allSatisfy {
            ($0["cause"] as? String)?.hasPrefix("unauthorized:") == true && $0["subscription"] as? String == "demo-shopify"
        }, "\(rejected)")
        print("serve secret rotation under load: \(ledger.acknowledgedCount) hooks acknowledged, \(probes.ids.count) probes")
        try await queue.remove()
    }
}

/// The secret a rotation test's load signs with, switched while it runs.
final class SecretInUse: Sendable {
    private let current: Mutex<String>
    init(_ secret: String) { current = Mutex(secret) }
    var value: String {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = newValue } }
    }
}

/// Single Shopify hooks, each with an id of its own, to see which secrets a server verifies now.
struct Probes {
    let client: ServeClient
    let port: Int
    private(set) var ids: Set<String> = []

    init(client: ServeClient, port: Int) {
        self.client = client
        self.port = port
    }

    /// Posts one probe signed with `secret`; its status.
    mutating func send(signedWith secret: String) async throws -> Int {
        let id = UInt64(1_000 + ids.count)
        ids.insert("\(id)")
        let hook = LoadHook.shopifyProduct(id, sender: DemoSender.shopify.with(secret: secret))
        let request = try hook.sender.request(base: "http://127.0.0.1:\(port)", headers: hook.headers, body: hook.body)
        return try await client.post(request).status
    }

    /// Probes until one gets `status` (a reload takes up to the watcher's interval).
    mutating func waitFor(status: Int, signedWith secret: String, _ what: String) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if try await send(signedWith: secret) == status { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ServeProcessError("timed out waiting for \(what)")
    }
}

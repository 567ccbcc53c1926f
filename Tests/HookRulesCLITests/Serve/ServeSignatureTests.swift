import Foundation
import HookModel
import HookSignatures
import Testing

/// Every signature scheme through `serve` over loopback: genuine deliveries are accepted; tampered, wrongly keyed,
/// stale, unsigned and doubly signed ones are refused with 401 and listed by `hookrules hooks rejected` with why.
/// The bundled rules' schemes with the bundled samples; the others with small rules of their own. (The schemes'
/// known-answer vectors are HookSignaturesTests'.)
@Suite("serve authenticates hooks with every signature scheme")
struct ServeSignatureTests {
    struct Case: Sendable {
        let sender: DemoSender
        let sample: SampleHook
        /// The header the sender's delivery id is in, set fresh for the genuine delivery.
        var deliveryHeader: String?
        /// The header carrying the signature (or the Bearer key).
        let signatureHeader: String
        var timestamped = false
    }

    static func bundledCases() throws -> [Case] {
        [
            Case(
                sender: .github, sample: try SampleHook("github/issues.opened.json"),
                deliveryHeader: "X-GitHub-Delivery", signatureHeader: "X-Hub-Signature-256"),
            Case(
                sender: .shopify, sample: try SampleHook("shopify/products.update.json"),
                deliveryHeader: "X-Shopify-Webhook-Id", signatureHeader: "X-Shopify-Hmac-Sha256"),
            Case(
                sender: .hubspot, sample: try SampleHook("hubspot/company.creation.json"),
                signatureHeader: "X-HubSpot-Signature-v3", timestamped: true),
            Case(
                sender: .stripe, sample: try SampleHook("stripe/customer.created.json"),
                signatureHeader: "Stripe-Signature", timestamped: true),
            Case(
                sender: .woocommerce, sample: try SampleHook("woocommerce/product.updated.json"),
                signatureHeader: "X-WC-Webhook-Signature"),
            Case(
                sender: .bigcommerce, sample: try SampleHook("bigcommerce/store.product.updated.json"),
                signatureHeader: "Authorization"),
            Case(
                sender: .dealerdesk, sample: try SampleHook("dealerdesk/message.created.json"),
                signatureHeader: "Authorization"),
        ]
    }

    @Test(
        "the bundled subscriptions: genuine 202; tampered, wrong secret, stale, future, missing, conflicting 401, listed with why",
        .timeLimit(.minutes(2)))
    func bundledSchemes() async throws {
        let folder = try TemporaryFolder()
        let queue = try ServedQueue(.sqlite, folder: folder)
        try await Self.check(try Self.bundledCases(), serving: ["--queue", queue.location], queue: queue)
    }

    @Test("Square, Standard Webhooks, SendGrid and the generic HMAC, on rules of their own", .timeLimit(.minutes(2)))
    func otherSchemes() async throws {
        let copy = try ScratchCopy()
        defer { copy.remove() }
        let schemes = try OtherSchemes(copy)
        let folder = try TemporaryFolder()
        let queue = try ServedQueue(.sqlite, folder: folder)
        try await Self.check(schemes.cases, serving: ["--rules", copy.rules.path, "--queue", queue.location], queue: queue)
    }

    /// Starts `serve` with `arguments`, posts each case's genuine and refused deliveries, then checks every refusal
    /// is listed as rejected with its reason.
    static func check(_ cases: [Case], serving arguments: [String], queue: ServedQueue) async throws {
        let client = ServeClient()
        let serve = try ServeProcess(arguments)
        let port = try await serve.waitUntilServing()
        let base = "http://127.0.0.1:\(port)"
        // What each refusal must be listed with: its subscription and a piece of its reason.
        var refusals: [(subscription: String, reason: String)] = []
        for test in cases {
            let subscription = test.sender.subscription
            var sample = test.sample
            if let header = test.deliveryHeader { sample = sample.setting(header, UUID().uuidString.lowercased()) }
            let genuine = try test.sender.request(base: base, sample)
            let accepted = try await client.post(genuine)
            #expect(
                accepted.status == 202 && accepted.json["duplicate"] as? Bool == false,
                "\(subscription): \(accepted.status) \(accepted.body)")
            let refused = try refusedVariants(of: genuine, test, sample: sample, base: base)
            for (what, request, _) in refused {
                let answer = try await client.post(request)
                #expect(answer.status == 401 && answer.json["error"] as? String == "unauthorized",
                        "\(subscription), \(what): \(answer.status) \(answer.body)")
            }
            refusals += refused.map { (subscription, $0.reason) }
        }

        // Rejected hooks are stored beside the reply, not before it.
        try await eventually { try await queue.kept(.rejected).count >= refusals.count }
        var listed = try queue.listedByCLI(.rejected)
        #expect(listed.count == refusals.count, "\(listed.count) rejected hooks listed for \(refusals.count) refusals")
        for refusal in refusals {
            let index = listed.firstIndex {
                $0["subscription"] as? String == refusal.subscription
                    && ($0["cause"] as? String).map { $0.hasPrefix("unauthorized: ") && $0.contains(refusal.reason) } == true
            }
            #expect(index != nil, "no rejected hook of \(refusal.subscription) listed with \"\(refusal.reason)\"")
            if let index { listed.remove(at: index) }
        }
        #expect(try await serve.stop() == 0)
        try await queue.remove()
    }

    /// What must be refused of a case: with a Bearer key, a wrong and a missing key; with a signature, a tampered
    /// body, another secret, no signature, two different signatures, and a timestamp beyond the window either way.
    static func refusedVariants(
        of genuine: WebhookRequest, _ test: Case, sample: SampleHook, base: String
    ) throws -> [(what: String, request: WebhookRequest, reason: String)] {
        let sender = test.sender
        func without(_ header: String) -> WebhookRequest {
            WebhookRequest(url: genuine.url, headers: genuine.headers.removing(header), body: genuine.body)
        }
        if case .bearer = sender.credential {
            return [
                ("a wrong key", try sender.with(secret: "not-the-key").request(base: base, sample),
                 "the Bearer key is not one of the subscription's keys"),
                ("no key", without("Authorization"), "header Authorization is missing"),
            ]
        }
        var tampered = genuine
        tampered.body[tampered.body.count / 2] ^= 0x01
        var wrongSecret = "not-the-secret"
        if case .signature(let scheme, _) = sender.credential, [.stripe, .standardWebhooks].contains(scheme) {
            wrongSecret = "whsec_bm90LXRoZS1zZWNyZXQ="
        }
        let forged = try sender.with(secret: wrongSecret).request(base: base, sample)
        var conflicting = genuine
        conflicting.headers.add(test.signatureHeader, forged.headers[test.signatureHeader] ?? "x")
        var refused = [
            ("a tampered body", tampered, "does not match"),
            ("another secret", forged, "does not match"),
            ("no signature", without(test.signatureHeader), "\(test.signatureHeader) is missing"),
            ("two different signatures", conflicting, "more than once with different values"),
        ]
        if test.timestamped {
            refused.append(("a stale timestamp", try sender.request(base: base, sample, at: Date() - 600), "old (tolerance"))
            refused.append(("a future timestamp", try sender.request(base: base, sample, at: Date() + 600), "in the future"))
        }
        return refused
    }

    @Test(
        "--public-url: a scheme that signs the URL verifies the one the sender posted to, not the server's own",
        .timeLimit(.minutes(1)))
    func publicURL() async throws {
        let folder = try TemporaryFolder()
        let queue = try ServedQueue(.sqlite, folder: folder)
        let serve = try ServeProcess(["--queue", queue.location, "--public-url", "https://hooks.example.com/"])
        let port = try await serve.waitUntilServing()
        let client = ServeClient()
        let sample = try SampleHook("hubspot/company.creation.json")
        // Signed for the public URL, posted to the server behind it (as a proxy would forward it).
        var forwarded = try DemoSender.hubspot.request(base: "https://hooks.example.com", sample)
        forwarded.url = "http://127.0.0.1:\(port)/hooks/demo-hubspot"
        #expect(try await client.post(forwarded).status == 202)
        let local = try DemoSender.hubspot.request(base: "http://127.0.0.1:\(port)", sample)
        #expect(try await client.post(local).status == 401, "the server's own URL is not what senders sign")
        #expect(try await serve.stop() == 0)
        try await queue.remove()
    }

    @Test(
        "serve refuses to start when a subscription has no auth, naming the file and the subscription",
        .timeLimit(.minutes(1)))
    func refusesWithoutAuth() async throws {
        let copy = try ScratchCopy()
        defer { copy.remove() }
        try copy.edit(
            "rules/subscriptions.yaml", replacing: "    auth:\n      secrets: [\"demo-github-secret\"]\n", with: "")
        let (status, log) = try await Self.failedStart(copy)
        #expect(status != nil && status != 0)
        #expect(
            log.contains("subscriptions.yaml") && log.contains(#"subscription "demo-github""#) && log.contains("no auth"),
            "\(log)")
    }

    @Test(
        "serve refuses to start when a ${VARIABLE} secret is unset, naming it; set, the secret verifies",
        .timeLimit(.minutes(1)))
    func environmentSecrets() async throws {
        let copy = try ScratchCopy()
        defer { copy.remove() }
        let variable = "HOOKRULES_TEST_STRIPE_SECRET"
        try copy.edit(
            "rules/subscriptions.yaml", replacing: #"secrets: ["whsec_demo-stripe-secret"]"#,
            with: #"secrets: ["${\#(variable)}"]"#)
        let (status, log) = try await Self.failedStart(copy, environment: [variable: nil])
        #expect(status != nil && status != 0)
        #expect(
            log.contains("subscriptions.yaml") && log.contains(#"subscription "demo-stripe""#) && log.contains(variable),
            "\(log)")

        let folder = try TemporaryFolder()
        let serve = try ServeProcess(
            ["--rules", copy.rules.path, "--queue", folder.path("queue")], environment: [variable: "whsec_from-the-environment"])
        let port = try await serve.waitUntilServing()
        let client = ServeClient()
        let sample = try SampleHook("stripe/customer.created.json")
        let base = "http://127.0.0.1:\(port)"
        let fromEnvironment = DemoSender.stripe.with(secret: "whsec_from-the-environment")
        #expect(try await client.post(fromEnvironment.request(base: base, sample)).status == 202)
        #expect(try await client.post(DemoSender.stripe.request(base: base, sample)).status == 401)
        #expect(try await serve.stop() == 0)
    }

    /// Starts `serve` on the copy and waits for it to give up; its status and log.
    static func failedStart(_ copy: ScratchCopy, environment: [String: String?] = [:]) async throws -> (Int32?, String) {
        let folder = try TemporaryFolder()
        let serve = try ServeProcess(["--rules", copy.rules.path, "--queue", folder.path("queue")], environment: environment)
        let status = try await serve.waitForExit(timeout: .seconds(30))
        if status == nil { serve.crash() }
        return (status, serve.logText)
    }
}

import Foundation
import HookCapture
import HookModel
import HookRules
import HookRulesConfig
import HookSignatures

/// The requests of a run: every bundled capture once per pass, in file order (so the mix is that of `samples/`:
/// many Shopify and GitHub captures, a few Stripe ones), each for the subscription `hookrules send` would post it to.
/// Loading checks what the server will do with each: it must authenticate when signed as its provider signs, and
/// where its rule reads a delivery id, that id is located (a header or one JSON string of the body) and tested for
/// whether the signature covers it.
struct CaptureMix: Sendable {
    let templates: [CaptureTemplate]
    /// Captures whose rule fails on them: the server keeps them as failed hooks (still a 202).
    let failing: [String]
    let skipped: [CaptureListing.Skipped]

    init(rules: RuleFolder, samples: String, environment: [String: String]) async throws {
        let listing = try CaptureListing(under: samples)
        let engine = try rules.engine()
        let authenticators = try rules.authenticators(environment: environment)
        let probeBase = "http://127.0.0.1:8080"
        let now = Date()
        var templates: [CaptureTemplate] = []
        var failing: [String] = []
        for path in listing.captures {
            let capture = try CapturedHook(path: path)
            let subscription = try capture.subscription(
                named: nil, in: rules.directory, integrations: Set(rules.book.rules.keys), rulesFolder: rules.folder)
            let query = capture.query.isEmpty ? "" : "?" + capture.query.sorted { $0.key < $1.key }
                .map { "\(Self.escaped($0.key))=\(Self.escaped($0.value))" }.joined(separator: "&")
            let credentials = try rules.senderCredentials(for: subscription, environment: environment)
            var template = CaptureTemplate(
                capture: path, subscription: subscription, target: "/hooks/\(Self.escaped(subscription.id))\(query)",
                headers: capture.headers.fields.filter { !CaptureTemplate.connectionHeaders.contains($0.name.lowercased()) },
                body: capture.body, credentials: credentials, delivery: nil)
            let signed = template.request(base: probeBase, at: now)
            let names = signed.headers.fields.map { $0.name.lowercased() }
            guard Set(names).count == names.count else {
                throw BenchmarkFailure("\(path): a header name appears twice; wrk's request tables hold one value per name")
            }
            guard let authenticator = authenticators[subscription.id] else {
                throw BenchmarkFailure("\(path): subscription \(subscription.id) has no auth; the server would refuse it")
            }
            do {
                try authenticator.authenticate(signed, now: now)
            } catch {
                throw BenchmarkFailure("\(path): signed as its provider signs, it still fails authentication: \(error)")
            }
            let outcome = await engine.process(
                Hook(id: "probe", subscription: subscription.id, headers: signed.headers, query: capture.query, body: signed.body),
                subscription: subscription)
            if outcome.failed { failing.append(path) }
            if let id = outcome.delivery {
                let place = try DeliverySlot.locate(id, in: signed, capture: path)
                let probe = DeliverySlot(original: id, place: place, signed: false)
                    .placing(id + "-probe", in: signed)
                let covered = (try? authenticator.authenticate(probe, now: now)) == nil
                template = CaptureTemplate(
                    capture: template.capture, subscription: subscription, target: template.target,
                    headers: template.headers, body: template.body, credentials: credentials,
                    delivery: DeliverySlot(original: id, place: place, signed: covered))
            }
            templates.append(template)
        }
        guard !templates.isEmpty else { throw BenchmarkFailure("no captures under \(samples)") }
        self.templates = templates
        self.failing = failing
        self.skipped = listing.skipped
    }

    static func escaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// One line per kind of capture: how many, how their delivery ids are made fresh.
    var summary: String {
        let fresh = templates.filter { $0.delivery?.signed == false }.count
        let signed = templates.filter { $0.delivery?.signed == true }.count
        let bySubscription = Dictionary(grouping: templates, by: \.subscription.id).mapValues(\.count)
            .sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return """
            \(templates.count) captures per pass (\(bySubscription)), \
            \(templates.reduce(0) { $0 + $1.body.count }) body bytes per pass
            delivery ids: \(fresh) captures get a fresh id per post from the wrk script (not signed), \
            \(signed) a pre-signed one per post (signed), \(templates.count - fresh - signed) have none
            """
    }
}

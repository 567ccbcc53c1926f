import ArgumentParser
import AsyncHTTPClient
import Foundation
import HookCapture
import HookModel
import HookRulesConfig
import HookSignatures
import NIOCore
import NIOHTTP1

struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Post captured webhooks to a running server, as their sender would: the live twin of replay.",
        discussion: """
            Each capture (a body file with its headers sidecar, or a capture envelope; folders are searched) is \
            posted to URL/hooks/<subscription> with its headers and exact body. The subscription is chosen as \
            replay chooses it (--subscription, the envelope, the folder name). With --sign, the request is signed \
            as the provider would sign it, with the subscription's first secret from the subscriptions file (its \
            rule's verify scheme), and carries its first Bearer key.

            Prints one line per capture: the capture, the status and the server's answer. Exit status 1 when any \
            capture could not be sent or was not answered with a 2xx.

            Examples:
              hookrules send --sign http://127.0.0.1:8080 samples/shopify/
              hookrules send --sign --subscription demo-github http://127.0.0.1:8080 samples/github/issues.opened.json
              hookrules hooks show hk_01a2... > h.hook.json && hookrules send http://127.0.0.1:8080 h.hook.json
            """
    )

    @OptionGroup var ruleOptions: RuleOptions

    @Option(help: "Send every capture for this subscription.")
    var subscription: String?

    @Flag(help: "Sign each request with the subscription's secret and add its Bearer key.")
    var sign = false

    @Argument(help: "The server's base URL, e.g. http://127.0.0.1:8080.")
    var url: String

    @Argument(help: "Capture files or folders (searched recursively).")
    var paths: [String]

    func validate() throws {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
            throw ValidationError("the URL must be http:// or https://")
        }
    }

    func run() async throws {
        let rules = try ruleOptions.load()
        if let subscription, rules.directory[subscription] == nil { throw rules.unknownSubscription(subscription) }
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        let client = HTTPClient()
        var failures = 0
        for path in paths {
            do {
                let listing = try CaptureListing(under: path)
                for skipped in listing.skipped { printError("skipped \(skipped)") }
                for capturePath in listing.captures {
                    if try await send(capturePath, to: base, rules: rules, client: client) == false { failures += 1 }
                }
            } catch {
                printError("\(error)")
                failures += 1
            }
        }
        try? await client.shutdown()
        if failures > 0 { throw CommandFailure("\(failures) capture(s) not accepted") }
    }

    /// Posts one capture; true when the server answered 2xx.
    private func send(_ path: String, to base: String, rules: RuleFolder, client: HTTPClient) async throws -> Bool {
        let capture = try CapturedHook(path: path)
        let target = try capture.subscription(
            named: subscription, in: rules.directory, integrations: Set(rules.book.rules.keys), rulesFolder: rules.folder)
        let query = capture.query.isEmpty ? "" : "?" + capture.query.sorted { $0.key < $1.key }
            .map { "\(Self.escaped($0.key))=\(Self.escaped($0.value))" }.joined(separator: "&")
        var request = WebhookRequest(
            url: "\(base)/hooks/\(Self.escaped(target.id))\(query)", headers: capture.headers, body: capture.body)
        if sign {
            do {
                request = try rules.senderCredentials(for: target, environment: ProcessInfo.processInfo.environment)
                    .signed(request, at: Date())
            } catch {
                throw CommandFailure.problems(error.problems)
            }
        }
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = .POST
        for field in request.headers.fields where !Self.hopByHop.contains(field.name.lowercased()) {
            outgoing.headers.add(name: field.name, value: field.value)
        }
        outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        let response = try await client.execute(outgoing, timeout: .seconds(30))
        let answer = String(buffer: try await response.body.collect(upTo: 1 << 20))
        let accepted = (200...299).contains(Int(response.status.code))
        print("\(path): \(response.status.code) \(answer.trimmingCharacters(in: .whitespacesAndNewlines))")
        return accepted
    }

    /// Headers of the captured connection, not of the hook: the client sets its own.
    static let hopByHop: Set<String> = ["host", "content-length", "connection", "transfer-encoding", "keep-alive"]

    static func escaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlUnreservedCharacters) ?? text
    }
}

extension CharacterSet {
    static let urlUnreservedCharacters = CharacterSet(charactersIn:
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}

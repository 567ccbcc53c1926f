import ArgumentParser
import Foundation
import HookQueue
import HookRulesConfig
import HookServer
import HookWorker
import Logging
import ServiceLifecycle

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Receive live webhooks: authenticate, run the rules, commit the requests, then answer.",
        discussion: """
            POST /hooks/<subscription> takes a hook for a subscription of the subscriptions file. Its body is read \
            up to --max-body bytes (413 beyond), it is authenticated as the subscription's auth says (the rule's \
            signature scheme with the subscription's secrets, Bearer keys, or auth: none written out; 401 \
            otherwise), its rule runs, and its requests are committed to the queue (--queue) with other hooks' in \
            one transaction. Only then does the server answer: 202 with the hook's id and counts, 200 for a \
            redelivery it has seen (the rule's delivery id), 202 also when the rule failed (the hook is kept: \
            `hookrules hooks failed`, `hooks retry` once the rule is fixed), 503 with Retry-After when the commit \
            failed or too many hooks wait for one.

            POST /api/transfers queues transfers by hand: a Bearer key of a subscription's api_keys and a body \
            {"id": "12345", "scope": "product/updated"} or a list of them (422 for a scope outside the catalog). \
            GET /healthz, /readyz and /metrics (Prometheus) are for operators.

            Rules and subscriptions reload when their files change or on SIGHUP; a change that does not load \
            leaves the running rules serving (see /readyz). SIGTERM or Ctrl-C stops gracefully: no new \
            connections, hooks in flight finish and commit, workers give their claims back.

            Examples:
              hookrules serve
              hookrules serve --port 8080 --target https://platform.example/transfers
              hookrules serve --host 0.0.0.0 --public-url https://hooks.example.com --queue postgres://hookrules@db/hookrules
              hookrules serve --capture captures/ --capture-share 0.1
            """
    )

    @OptionGroup var ruleOptions: RuleOptions
    @OptionGroup var queueOptions: QueueOptions

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port = 8080

    @Option(help: ArgumentHelp(
        "The URL senders post to, when a proxy stands in front (signature schemes that sign the URL need it).",
        valueName: "url"))
    var publicURL: String?

    @Option(help: "The largest body read, in bytes, for integrations whose rule sets no limits.body_bytes.")
    var maxBody = 10 << 20

    @Option(help: ArgumentHelp("Also run workers in this process, posting each request to this URL.", valueName: "url"))
    var target: String?

    @Option(help: "Requests the in-process workers deliver at the same time (with --target).")
    var concurrency = 4

    @Option(help: ArgumentHelp(
        "On SIGTERM, how long the in-process workers let deliveries in flight finish before giving them back (with --target).",
        valueName: "seconds"))
    var grace = 10

    @Option(help: ArgumentHelp("Write received hooks as capture envelopes into this folder.", valueName: "folder"))
    var capture: String?

    @Option(help: "The share of hooks written with --capture (0 to 1), for subscriptions that set no capture.")
    var captureShare = 1.0

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func validate() throws {
        guard (1...65535).contains(port) || port == 0 else { throw ValidationError("--port must be from 0 to 65535") }
        guard maxBody >= 1 else { throw ValidationError("--max-body must be at least 1") }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        guard grace >= 0 else { throw ValidationError("--grace cannot be negative") }
        guard (0...1).contains(captureShare) else { throw ValidationError("--capture-share must be from 0 to 1") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level \(logLevel) is not a level") }
        if let target, URL(string: target).flatMap(\.scheme).map({ ["http", "https"].contains($0) }) != true {
            throw ValidationError("--target must be an http:// or https:// URL")
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            return handler
        }
        let logger = Logger(label: "hookrules")
        let rules = try ruleOptions.load()
        let queue = try await queueOptions.open()
        let stack: IntakeStack
        do {
            stack = try IntakeStack(folder: rules, queue: queue, settings: settings(), logger: logger)
        } catch let error as RuleFolderError {
            try? await queue.close()
            throw CommandFailure.problems(error.problems)
        } catch {
            try? await queue.close()
            throw CommandFailure("cannot start: \(error)")
        }
        var services: [any Service] = [stack.watchService()]
        if let target {
            services.append(InProcessWorkers.service(
                queue: queue, target: target, concurrency: concurrency, grace: .seconds(grace), rules: rules,
                health: stack.workerHealth,
                logger: logger))
        }
        let location = queueOptions.location
        do {
            try await stack.server.run(services: services) { port in
                logger.info("serving", metadata: ["url": "http://\(host):\(port)", "queue": "\(location)"])
            }
        } catch {
            try? await queue.close()
            throw CommandFailure("the server stopped: \(error)")
        }
        try? await queue.close()
        logger.info("stopped")
    }

    private func settings() -> IntakeStack.Settings {
        var settings = IntakeStack.Settings()
        settings.server = IntakeServer.Settings(host: host, port: port)
        settings.intake.maxBodyBytes = maxBody
        settings.intake.publicURL = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        settings.captureFolder = capture.map { URL(fileURLWithPath: $0, isDirectory: true) }
        settings.captureShare = captureShare
        return settings
    }
}

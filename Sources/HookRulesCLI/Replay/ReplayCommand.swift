import ArgumentParser
import Foundation
import HookRules

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run captured webhooks through the rules and print the transfer requests they produce.",
        discussion: """
            Each capture is a body file, optionally with <name>.headers.json beside it. The integration is the \
            name of the folder the capture sits in, and its rule is <rules>/<integration>.lua. Each capture is \
            replayed for a default subscription named after its integration (delete hooks off). One JSON object per \
            transfer request is printed on stdout (JSON Lines); ignored records and failures go to stderr with \
            their reason, and the exit status is 1 if any capture failed.

            Example: hookrules replay samples/
            """
    )

    @Option(help: "The folder holding the rule files.")
    var rules = "rules"

    @Argument(help: "Capture files or folders (searched recursively).")
    var paths: [String]

    mutating func run() async throws {
        let engine: RuleEngine
        do {
            let book = try RuleBook.load(folder: rules)
            let subscriptions = book.rules.keys.map { Subscription(id: $0, integration: $0) }
            engine = try RuleEngine(book: book, subscriptions: subscriptions)
        } catch {
            printError("\(error)")
            throw ExitCode.failure
        }
        var failures = 0
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for path in paths {
            let captures: [String]
            do {
                captures = try CapturedHook.paths(under: path)
            } catch {
                printError("\(error)")
                failures += 1
                continue
            }
            for capture in captures {
                do {
                    let outcome = try await replay(capture, with: engine)
                    for request in outcome.requests {
                        print(String(decoding: try encoder.encode(RequestLine(request)), as: UTF8.self))
                    }
                    for ignored in outcome.ignored {
                        printError("\(capture): record \(ignored.record) ignored: \(ignored.reason)")
                    }
                    for error in outcome.errors {
                        printError("\(capture): \(error)")
                    }
                    if outcome.failed { failures += 1 }
                } catch {
                    printError("\(error)")
                    failures += 1
                }
            }
        }
        if failures > 0 {
            printError("\(failures) capture(s) failed")
            throw ExitCode.failure
        }
    }

    private func replay(_ path: String, with engine: RuleEngine) async throws -> HookOutcome {
        let capture = try CapturedHook(path: path)
        let integration = capture.folderName
        guard engine.book.rules[integration] != nil else {
            throw CaptureError(path: path, reason: "no rule file \(rules)/\(integration).lua")
        }
        return await engine.process(capture.hook(subscription: integration, integration: integration))
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("hookrules: \(message)\n".utf8))
}

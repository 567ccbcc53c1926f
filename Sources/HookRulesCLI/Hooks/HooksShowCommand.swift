import ArgumentParser
import Foundation
import HookCapture
import HookModel
import HookQueue

struct HooksShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print one kept hook as a capture envelope (docs/captures.md): replayable with `hookrules replay`.",
        discussion: """
            The envelope holds the exact headers and body bytes (base64), the subscription and the cause.

            Examples:
              hookrules hooks show hk_01934f2a8c3b9f2e4d7a6c1b
              hookrules hooks show hk_01934f2a8c3b9f2e4d7a6c1b > failed.hook.json && hookrules replay failed.hook.json
            """
    )

    @OptionGroup var queueOptions: QueueOptions

    @Argument(help: "The hook's id.")
    var id: String

    func run() async throws {
        guard let kept = try await queueOptions.withQueue(readOnly: true, { try await $0.keptHook(id: id) }) else {
            throw CommandFailure.usage("no kept hook \(id) in \(queueOptions.location)")
        }
        let hook = Hook(
            id: kept.id, subscription: kept.subscription,
            headers: HTTPHeaders(kept.headers.map { (name: $0.name, value: $0.value) }), body: kept.body,
            receivedAt: kept.receivedAt)
        var envelope = CaptureEnvelope(hook: hook, integration: nil)
        envelope.errors = [kept.cause]
        FileHandle.standardOutput.write(try envelope.encoded())
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}

import ArgumentParser
import Foundation

@main
struct HookRulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hookrules",
        abstract: "Turn incoming webhooks into transfer requests with one Lua rule file per system.",
        subcommands: [
            ReplayCommand.self, TestCommand.self, CheckCommand.self, BulkCommand.self, QueueCommand.self, WorkCommand.self,
            ServeCommand.self, SendCommand.self, HooksCommand.self,
        ]
    )

    /// ArgumentParser's own `main`, except that a ``CommandFailure`` is printed here and exits with its status.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            for line in failure.lines { printError(line) }
            Foundation.exit(failure.status)
        } catch {
            exit(withError: error)
        }
    }
}

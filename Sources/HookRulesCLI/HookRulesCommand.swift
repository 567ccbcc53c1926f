import ArgumentParser

@main
struct HookRulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hookrules",
        abstract: "Turn incoming webhooks into transfer requests with one Lua rule file per system.",
        subcommands: [
            ReplayCommand.self, TestCommand.self, CheckCommand.self, BulkCommand.self, QueueCommand.self, WorkCommand.self,
        ]
    )
}

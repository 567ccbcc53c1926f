import ArgumentParser
import Foundation
import LuaRuntime

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run captured webhooks through the rules and print what each rule returned.",
        discussion: """
            Each capture is a body file, optionally with <name>.headers.json beside it. The integration is the \
            name of the folder the capture sits in, and its rule is <rules>/<integration>.lua, which returns a table \
            with a function handle(hook). One JSON object per capture is printed on stdout; failures go to stderr.

            Example: hookrules replay samples/
            """
    )

    @Option(help: "The folder holding the rule files.")
    var rules = "rules"

    @Argument(help: "Capture files or folders (searched recursively).")
    var paths: [String]

    mutating func run() async throws {
        var folder: RuleFolder
        do {
            folder = try RuleFolder(folder: rules)
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
                    let values = try replay(capture, with: &folder)
                    let line = ReplayLine(capture: capture, result: values)
                    print(String(decoding: try encoder.encode(line), as: UTF8.self))
                } catch {
                    printError("\(capture): \(error)")
                    failures += 1
                }
            }
        }
        if failures > 0 {
            printError("\(failures) capture(s) failed")
            throw ExitCode.failure
        }
    }

    private func replay(_ path: String, with folder: inout RuleFolder) throws -> [LuaValue] {
        let hook = try CapturedHook(path: path)
        guard let script = folder.script(for: hook.folderName) else {
            throw CaptureError(path: path, reason: "no rule file \(rules)/\(hook.folderName).lua")
        }
        let input = LuaInput.table([
            ("integration", .value(.string(hook.folderName))),
            ("headers", .value(.table(hook.headers.mapValues(LuaValue.string)))),
            ("raw", .bytes(hook.body)),
            ("body", .json(hook.body)),
        ])
        return try folder.state.call(script, function: "handle", arguments: [input]).values
    }
}

private struct ReplayLine: Encodable {
    let capture: String
    let result: [LuaValue]
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("hookrules: \(message)\n".utf8))
}

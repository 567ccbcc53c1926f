import Foundation
import PackagePlugin

/// Embeds the `.lua` files of a target in its code at build time: `LuaSourceEmbedder` turns them into one generated
/// Swift file declaring `EmbeddedLuaSources.<name>` (the file name in lower camel case) as a string, so the built
/// `hookrules` binary carries the host's Lua (the sandbox, the rule API) and needs no resource bundle beside it.
/// The `.lua` files stay real files in the package, where Lua tooling (luacheck, language servers) reads them.
@main
struct EmbedLuaSources: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let inputs = target.sourceFiles(withSuffix: "lua").map(\.url).sorted { $0.path < $1.path }
        guard !inputs.isEmpty else { return [] }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedLuaSources.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) Lua file(s) in \(target.name)",
                executable: try context.tool(named: "LuaSourceEmbedder").url,
                arguments: [output.path] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output])
        ]
    }
}

/// The Lua code that builds a rule's environment: Sandbox.lua beside this file, embedded at build time (the
/// EmbedLuaSources plugin), so the built binary needs no file beside it. It runs once per state, with the full
/// standard library; what it returns, `new_env()`, makes a fresh allow-listed environment for every run.
enum SandboxSource {
    static let chunkName = "=hookrules.sandbox"

    static var text: String { EmbeddedLuaSources.sandbox }
}

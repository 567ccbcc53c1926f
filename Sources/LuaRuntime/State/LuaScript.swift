/// Lua source text and the name errors will show for it (a rule file's path, such as `rules/shopify.lua`).
public struct LuaScript: Sendable, Hashable {
    public var name: String
    public var text: [UInt8]

    public init(name: String, text: [UInt8]) {
        self.name = name
        self.text = text
    }

    public init(name: String, text: String) {
        self.init(name: name, text: Array(text.utf8))
    }

    /// The name as Lua prints it in messages: Lua keeps at most 59 bytes of a chunk name, and shortens a longer one
    /// to "..." followed by its end.
    var displayedName: String {
        let limit = 59
        let bytes = Array(name.utf8)
        guard bytes.count > limit else { return name }
        return "..." + String(decoding: bytes.suffix(limit - 3), as: UTF8.self)
    }
}

/// A trusted Lua library the host adds to every rule's environment (for example the rule DSL). Its script runs
/// once per state, with the full standard library, and returns a table of functions, which rules see read-only:
/// under `name`, or, with `name == nil`, each function as a global. The functions must keep no state between runs.
public struct LuaLibrary: Sendable, Hashable {
    public var name: String?
    public var script: LuaScript

    public init(name: String?, script: LuaScript) {
        self.name = name
        self.script = script
    }
}

/// A script loaded into a ``LuaState``.
public struct LuaScriptID: Sendable, Hashable {
    let index: Int
}

/// What one successful call returned.
public struct LuaRun: Sendable, Equatable {
    public var values: [LuaValue]
    /// What the rule printed, capped by ``LuaLimits/logLines`` and ``LuaLimits/logBytes``.
    public var log: [String]
    /// VM instructions used, to the nearest thousand.
    public var instructions: Int
}

/// What one successful call with a typed reader returned (see ``LuaState/call(_:function:arguments:reading:)``).
package struct LuaTypedRun<Read> {
    /// What the reader made of the results, or nil when it declined and ``run``'s `values` hold them instead.
    package var read: Read?
    /// The log and instruction count; `values` is empty when the reader read the results.
    package var run: LuaRun
}

extension LuaTypedRun: Sendable where Read: Sendable {}
extension LuaTypedRun: Equatable where Read: Equatable {}

import CLua
import CLuaShim

/// One sandboxed Lua 5.4 state: loads rule scripts once, then runs each call in a fresh, allow-listed environment
/// under the memory, instruction and time limits of ``LuaLimits``.
///
/// Not thread-safe, like the Lua state it owns, and non-copyable so it has exactly one owner; ``LuaStatePool`` keeps
/// states behind a `Mutex`. A state whose run failed for any reason (an error, a limit) is replaced before its next
/// run, so nothing a failed run left behind reaches the next hook.
public struct LuaState: ~Copyable {
    public let limits: LuaLimits
    public let libraries: [LuaLibrary]
    private var scripts: [LuaScript] = []
    private var handle: LuaHandle
    private var needsReplacement = false

    public init(limits: LuaLimits = LuaLimits(), libraries: [LuaLibrary] = []) throws(LuaError) {
        self.limits = limits
        self.libraries = libraries
        handle = try LuaHandle(limits: limits, libraries: libraries)
    }

    /// Compiles `script` (source text only: bytecode is refused) and keeps it for ``call(_:function:arguments:)``.
    public mutating func load(_ script: LuaScript) throws(LuaError) -> LuaScriptID {
        try replaceIfNeeded()
        try handle.compile(script)
        scripts.append(script)
        return LuaScriptID(index: scripts.count - 1)
    }

    /// Runs `script` in a fresh environment. With a `function` name, the script must return a table holding that
    /// function, which is then called with `arguments`; its results are returned. Without one, the script's own
    /// results are returned.
    public mutating func call(
        _ script: LuaScriptID, function: String? = nil, arguments: [LuaInput] = []
    ) throws(LuaError) -> LuaRun {
        try replaceIfNeeded()
        do {
            return try handle.run(scriptAt: script.index, of: scripts, function: function, arguments: arguments)
        } catch {
            needsReplacement = true
            throw error
        }
    }

    /// Builds `input` inside the state (decoding JSON or form bodies) and drops it, without running any rule: checks
    /// that a body decodes under this state's limits, and measures decoding on its own.
    public mutating func materialize(_ input: LuaInput) throws(LuaError) {
        try replaceIfNeeded()
        try handle.materialize(input)
    }

    /// The loaded script with this name. States that load the same scripts in the same order agree on the ids.
    public func script(named name: String) -> LuaScriptID? {
        scripts.firstIndex { $0.name == name }.map(LuaScriptID.init(index:))
    }

    /// Bytes the state holds now (libraries, compiled scripts and live data).
    public var memoryInUse: Int { handle.memoryInUse }

    private mutating func replaceIfNeeded() throws(LuaError) {
        guard needsReplacement else { return }
        var fresh = try LuaHandle(limits: limits, libraries: libraries)
        for script in scripts {
            try fresh.compile(script)
        }
        handle = fresh
        needsReplacement = false
    }
}

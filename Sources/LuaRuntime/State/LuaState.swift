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
    /// Whether the state counts the lines its loaded scripts run (see ``takeLineHits()``).
    public let countingLines: Bool
    private var scripts: [LuaScript] = []
    private var handle: LuaHandle
    private var needsReplacement = false
    /// Line counts of handles replaced since the last ``takeLineHits()``: a failed run's lines count too.
    private var replacedHandlesHits = LineHits()
    /// This state's runs as the ``LuaWatchdog`` sees them.
    private let watch = RunWatch()

    /// - Parameter countingLines: count how often each line of every script loaded with ``load(_:)`` runs, for line
    ///   coverage. Off by default, and then the state pays nothing for it: its hook watches instruction counts only.
    ///   Host libraries' lines are never counted.
    public init(
        limits: LuaLimits = LuaLimits(), libraries: [LuaLibrary] = [], countingLines: Bool = false
    ) throws(LuaError) {
        try self.init(limits: limits, libraries: libraries, countingLines: countingLines, runsSoFar: 0)
    }

    /// A state whose run count starts at `runsSoFar` instead of 0, so that tests reach the end of the count (where
    /// the state is replaced) without running that many hooks.
    package init(
        limits: LuaLimits = LuaLimits(), libraries: [LuaLibrary] = [], countingLines: Bool = false,
        runsSoFar: UInt64
    ) throws(LuaError) {
        self.limits = limits
        self.libraries = libraries
        self.countingLines = countingLines
        handle = try LuaHandle(
            limits: limits, libraries: libraries, countingLines: countingLines, runsSoFar: runsSoFar)
        LuaWatchdog.shared.register(watch)
    }

    deinit {
        LuaWatchdog.shared.unregister(watch)
    }

    /// Tells `handler` (on the watchdog's thread) when a run of this state overstays its deadline plus grace. The
    /// pool uses it to replace the state while the run is still going.
    package func onOverstay(_ handler: @escaping @Sendable () -> Void) {
        watch.onOverstay.withLock { $0 = handler }
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
        try watched { (handle, scripts) throws(LuaError) in
            try handle.run(
                scriptAt: script.index, of: scripts, function: function, arguments: arguments,
                reading: { _ -> Never? in nil }
            ).run
        }
    }

    /// Like ``call(_:function:arguments:)``, but offers the results to `read` first, which reads them straight off
    /// the Lua stack (``LuaResults``, ``LuaTableFields``) into the caller's own types instead of ``LuaValue``s.
    /// When `read` declines (returns nil: a shape it does not expect), the results are read into
    /// ``LuaRun/values`` as by ``call(_:function:arguments:)``, errors included, so a caller can fall back to the
    /// generic path and get exactly its outcome. `read` must not keep what it was given.
    package mutating func call<Read>(
        _ script: LuaScriptID, function: String, arguments: [LuaInput], reading read: (LuaResults) -> Read?
    ) throws(LuaError) -> LuaTypedRun<Read> {
        try watched { (handle, scripts) throws(LuaError) in
            let (reading, run) = try handle.run(
                scriptAt: script.index, of: scripts, function: function, arguments: arguments, reading: read)
            return LuaTypedRun(read: reading, run: run)
        }
    }

    /// Runs `body` on the handle under the watchdog's eye. A run that failed, or that the watchdog found going past
    /// its deadline plus grace (then reported failed even if it returned a result), leaves a handle that is never
    /// used again.
    private mutating func watched<T>(
        _ body: (inout LuaHandle, [LuaScript]) throws(LuaError) -> T
    ) throws(LuaError) -> T {
        try replaceIfNeeded()
        let started = MonotonicClock.now()
        watch.arm(overstayAt: started &+ Self.nanoseconds(limits.wallClock + limits.watchdogGrace))
        let outcome = Result { () throws(LuaError) in try body(&handle, scripts) }
        if watch.disarm() {
            needsReplacement = true
            let elapsed = Duration.nanoseconds(Int64(clamping: MonotonicClock.now() &- started))
            throw LuaError(
                .timeLimit,
                "the run took \(elapsed), past its time limit (\(limits.wallClock)) and the watchdog's grace "
                    + "(\(limits.watchdogGrace)); its Lua state was retired")
        }
        do {
            return try outcome.get()
        } catch {
            needsReplacement = true
            throw error
        }
    }

    private static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(clamping: seconds) &* 1_000_000_000 &+ UInt64(clamping: attoseconds / 1_000_000_000)
    }

    /// Builds `input` inside the state (decoding JSON or form bodies) and drops it, without running any rule: checks
    /// that a body decodes under this state's limits, and measures decoding on its own.
    package mutating func materialize(_ input: LuaInput) throws(LuaError) {
        try replaceIfNeeded()
        try handle.materialize(input)
    }

    /// The loaded script with this name. States that load the same scripts in the same order agree on the ids.
    public func script(named name: String) -> LuaScriptID? {
        scripts.firstIndex { $0.name == name }.map(LuaScriptID.init(index:))
    }

    /// Bytes the state holds now (libraries, compiled scripts and live data).
    package var memoryInUse: Int { handle.memoryInUse }

    /// The lines the loaded scripts ran since the state was made or this was last called, and resets them. Empty
    /// unless the state was made with `countingLines`.
    package mutating func takeLineHits() -> LineHits {
        var hits = replacedHandlesHits
        replacedHandlesHits = LineHits()
        handle.takeLineHits(into: &hits)
        return hits
    }

    /// The lines of `script` holding code that can run, sorted: the lines line coverage expects to see run.
    /// Read from the compiled chunk's bytecode, nested functions included, whether or not they ever ran; every line
    /// a run can report is among them. Comments, blank lines, and lines whose only instructions never execute (a
    /// function's `end` right after a `return`, the closing `}` of `return rule { ... }`) are not.
    package func executableLines(of script: LuaScriptID) throws(LuaError) -> [Int] {
        try ExecutableLines.read(fromDump: handle.dump(scriptAt: script.index)).sorted()
    }

    /// Replaces the handle after a failed run, or when its run count is exhausted (it never wraps).
    private mutating func replaceIfNeeded() throws(LuaError) {
        guard needsReplacement || handle.isRunCountExhausted else { return }
        handle.takeLineHits(into: &replacedHandlesHits)
        var fresh = try LuaHandle(limits: limits, libraries: libraries, countingLines: countingLines)
        for script in scripts {
            try fresh.compile(script)
        }
        handle = fresh
        needsReplacement = false
    }
}

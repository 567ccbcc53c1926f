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
    /// How long a run may go before the watchdog acts (time limit plus grace), and when the current one started.
    private let overstayNanoseconds: UInt64
    private var runStarted: UInt64 = 0

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
        overstayNanoseconds = MonotonicClock.nanoseconds(limits.wallClock + limits.watchdogGrace)
        handle = try LuaHandle(
            limits: limits, libraries: libraries, countingLines: countingLines, runsSoFar: runsSoFar)
        LuaWatchdog.shared.register(watch)
    }

    deinit {
        LuaWatchdog.shared.unregister(watch)
    }

    /// What the ``LuaWatchdog`` sees of this state's runs; its pool sets the watch's handler, to replace the state
    /// while an overstaying run is still going.
    var runWatch: RunWatch { watch }

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
        try beginRun()
        do {
            let run = try handle.run(
                scriptAt: script.index, of: scripts, function: function, arguments: arguments,
                reading: { _ -> Never? in nil }
            ).run
            try endRun()
            return run
        } catch {
            throw failedRun(error)
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
        try beginRun()
        do {
            let (reading, run) = try handle.run(
                scriptAt: script.index, of: scripts, function: function, arguments: arguments, reading: read)
            try endRun()
            return LuaTypedRun(read: reading, run: run)
        } catch {
            throw failedRun(error)
        }
    }

    // Every run is watched (see LuaWatchdog): a run that failed, or that the watchdog found going past its deadline
    // plus grace (then reported failed even if it returned a result), leaves a handle that is never used again.

    private mutating func beginRun() throws(LuaError) {
        try replaceIfNeeded()
        runStarted = MonotonicClock.coarseNow()
        watch.arm(overstayAt: runStarted &+ overstayNanoseconds)
    }

    private mutating func endRun() throws(LuaError) {
        guard watch.disarm() else { return }
        needsReplacement = true
        throw overstayError()
    }

    private mutating func failedRun(_ error: LuaError) -> LuaError {
        needsReplacement = true
        return watch.disarm() ? overstayError() : error
    }

    private func overstayError() -> LuaError {
        let elapsed = Duration.nanoseconds(Int64(clamping: MonotonicClock.coarseNow() &- runStarted))
        return LuaError(
            .timeLimit,
            "the run took \(elapsed), past its time limit (\(limits.wallClock)) and the watchdog's grace "
                + "(\(limits.watchdogGrace)); its Lua state was retired")
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

import CLua
import CLuaShim

/// The C state and everything allocated beside it. Closing it (in `deinit`) frees all of them together.
///
/// Its jobs live in one file each: building the sandbox (LuaHandle+Sandbox.swift), compiling scripts
/// (LuaHandle+Compiling.swift), running them with a fresh environment and a kept module (LuaHandle+Running.swift),
/// and reading results and errors (LuaHandle+Results.swift).
struct LuaHandle: ~Copyable {
    let state: OpaquePointer
    let memory: UnsafeMutablePointer<MemoryAccount>
    let context: HostContext
    let limits: LuaLimits
    let newEnvironmentRef: Int32
    let statelessCheckRef: Int32
    let unchangedCheckRef: Int32
    var scriptRefs: [Int32] = []
    /// With line counting on, the shim's counters of each compiled script; empty otherwise.
    var lineCounters: [LineCounter] = []
    let countingLines: Bool
    /// How Lua names the host's own chunks (the sandbox, host libraries) in messages: never a rule's location.
    let hostChunkNames: [String]
    var modules: [ModuleReuse] = []
    /// The environment of the last run, when that run left it as it was made (no global set): the next run can use
    /// it instead of a new one, as there is nothing in it to carry over.
    var untouchedEnvironmentRef: Int32?

    /// Heap growth (percent) that triggers a minor collection. One hook's garbage is a large share of a state's small
    /// heap, so Lua's default of 20 % collects after nearly every hook; 50 % collects far less often and RSS still
    /// stays flat over a million hooks (`hookrules-bench --only memory`).
    private static let minorCollectionGrowth: Int32 = 50

    /// Whether a script's module is kept for later calls instead of running the script again (see `run`).
    enum ModuleReuse {
        case unchecked, rerun
        /// The module, and the watch list of upvalues a hook could assign (`unchanged` checks it after each run).
        case reuse(module: Int32, watch: Int32)
    }

    init(
        limits: LuaLimits, libraries: [LuaLibrary], countingLines: Bool = false, runsSoFar: UInt64 = 0
    ) throws(LuaError) {
        let memory = UnsafeMutablePointer<MemoryAccount>.allocate(capacity: 1)
        memory.initialize(to: MemoryAccount(limit: limits.memoryBytes))
        // Until a rule runs, Swift is in charge: allocations must not fail (see MemoryAccount).
        memory.pointee.hostIsBuilding = true
        guard let state = hr_newstate(luaAllocate, memory) else {
            memory.deallocate()
            throw LuaError(.memoryLimit, "could not create a Lua state")
        }
        let context = HostContext(limits: limits, memory: memory, runsSoFar: runsSoFar)
        let sandboxRefs: SandboxRefs
        do {
            sandboxRefs = try Self.prepare(state, context: context, limits: limits, libraries: libraries)
            // Every run leaves only short-lived garbage (its env, the hook's tables) on top of a large, long-lived
            // heap (libraries, compiled rules): the case generational collection is made for.
            hr_gc_generational(state, Self.minorCollectionGrowth, 0)
        } catch {
            hr_closestate(state)
            memory.deallocate()
            throw error
        }
        self.state = state
        memory.pointee.state = state
        self.memory = memory
        self.context = context
        self.limits = limits
        self.countingLines = countingLines
        hostChunkNames = [LuaScript(name: SandboxSource.chunkName, text: []).displayedName]
            + libraries.map(\.script.displayedName)
        newEnvironmentRef = sandboxRefs.newEnvironment
        statelessCheckRef = sandboxRefs.statelessCheck
        unchangedCheckRef = sandboxRefs.unchangedCheck
    }

    deinit {
        hr_closestate(state)
        memory.deallocate()
    }

    var memoryInUse: Int { memory.pointee.used }

    /// Whether the run count of the state's placeholders reached its end: the state must be replaced.
    var isRunCountExhausted: Bool { context.lazyBodies.isExhausted }
}

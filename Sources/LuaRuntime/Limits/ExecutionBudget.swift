#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLuaShim

/// The instruction budget and wall-clock deadline of one run, consulted by the shim's count hook.
///
/// Once a limit trips, every later check answers with the same message: the shim then raises on every instruction,
/// so a `pcall` (or a coroutine) in the rule cannot swallow the stop.
final class ExecutionBudget {
    enum Limit {
        case instructions, time, memory
    }

    /// Instructions between two checks: small enough to stop promptly, large enough to cost nothing measurable.
    static let checkInterval: Int32 = 1_000

    private(set) var tripped: Limit?
    private(set) var instructionsUsed = 0
    private var instructionLimit = 0
    private var deadline: UInt64 = 0
    private let memory: UnsafeMutablePointer<MemoryAccount>
    // C strings handed to the shim, which raises them with luaL_error; owned here so they outlive every raise.
    private let instructionMessage: UnsafeMutablePointer<CChar>
    private let timeMessage: UnsafeMutablePointer<CChar>
    private let memoryMessage: UnsafeMutablePointer<CChar>

    init(limits: LuaLimits, memory: UnsafeMutablePointer<MemoryAccount>) {
        self.memory = memory
        instructionMessage = strdup("instruction limit exceeded (\(limits.instructions) instructions)")
        timeMessage = strdup("time limit exceeded (\(limits.wallClock))")
        memoryMessage = strdup("memory limit exceeded (\(limits.memoryBytes) bytes)")
    }

    deinit {
        free(instructionMessage)
        free(timeMessage)
        free(memoryMessage)
    }

    func start(instructions: Int, wallClock: Duration) {
        tripped = nil
        instructionsUsed = 0
        instructionLimit = instructions
        let (seconds, attoseconds) = wallClock.components
        deadline = Self.now() &+ UInt64(seconds) &* 1_000_000_000 &+ UInt64(attoseconds / 1_000_000_000)
    }

    /// The shim's question, every `checkInterval` instructions: NULL to go on, or why to stop.
    func check() -> UnsafePointer<CChar>? {
        if tripped == nil {
            instructionsUsed += Int(Self.checkInterval)
            if memory.pointee.exceeded {
                tripped = .memory
            } else if instructionsUsed > instructionLimit {
                tripped = .instructions
            } else if Self.now() > deadline {
                tripped = .time
            }
        }
        switch tripped {
        case nil: return nil
        case .instructions: return UnsafePointer(instructionMessage)
        case .time: return UnsafePointer(timeMessage)
        case .memory: return UnsafePointer(memoryMessage)
        }
    }

    private static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}

/// The `hr_budget_check` the shim's hook calls; `context` is an unretained ``ExecutionBudget``.
let budgetCheck: hr_budget_check = { context in
    Unmanaged<ExecutionBudget>.fromOpaque(context.unsafelyUnwrapped).takeUnretainedValue().check()
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLuaShim

/// The instruction budget and wall-clock deadline of one run, consulted by the shim's count hook, by library
/// functions that work between two instructions (`hr_budget_charge`), by the allocator (``MemoryAccount``) and by
/// host functions such as `json.decode`.
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
    private(set) var deadline: UInt64 = 0
    private let memory: UnsafeMutablePointer<MemoryAccount>
    // C strings handed to the shim, which raises them with lua_error; owned here so they outlive every raise.
    private let instructionMessage: UnsafeMutablePointer<CChar>
    private let timeMessage: UnsafeMutablePointer<CChar>
    private let memoryMessage: UnsafeMutablePointer<CChar>

    init(limits: LuaLimits, memory: UnsafeMutablePointer<MemoryAccount>) {
        self.memory = memory
        instructionMessage = strdup(Self.message(for: .instructions, limits: limits))
        timeMessage = strdup(Self.message(for: .time, limits: limits))
        memoryMessage = strdup(Self.message(for: .memory, limits: limits))
    }

    deinit {
        free(instructionMessage)
        free(timeMessage)
        free(memoryMessage)
    }

    static func message(for limit: Limit, limits: LuaLimits) -> String {
        switch limit {
        case .instructions: "instruction limit exceeded (\(limits.instructions) instructions)"
        case .time: "time limit exceeded (\(limits.wallClock))"
        case .memory: "memory limit exceeded (\(limits.memoryBytes) bytes)"
        }
    }

    func start(instructions: Int, wallClock: Duration) {
        tripped = nil
        instructionsUsed = 0
        instructionLimit = instructions
        let length = MonotonicClock.nanoseconds(wallClock)
        let (end, overflow) = MonotonicClock.now().addingReportingOverflow(max(length, 1))
        deadline = overflow ? .max : end
        memory.pointee.deadline = deadline
        memory.pointee.timedOut = false
    }

    /// Ends the run as the allocator sees it: no deadline while the host works between runs.
    func finish() {
        memory.pointee.deadline = 0
    }

    /// The limit that ended the run, if any: one the budget tripped, else the allocator's deadline or memory refusal.
    var limitReached: Limit? {
        tripped ?? (memory.pointee.timedOut ? .time : memory.pointee.exceeded ? .memory : nil)
    }

    /// The count hook's question, every `checkInterval` instructions or more often (see `hr_budget_tighten`): NULL to
    /// go on, or why to stop.
    func check(instructions: Int) -> UnsafePointer<CChar>? {
        if tripped == nil {
            instructionsUsed += instructions
            if instructionsUsed > instructionLimit, !memory.pointee.exceeded {
                tripped = .instructions
            } else {
                tripDeadlineOrMemory()
            }
        }
        return trippedMessage
    }

    /// The same question from code that works between two instructions: the deadline and memory, no instructions.
    func poll() -> UnsafePointer<CChar>? {
        if tripped == nil { tripDeadlineOrMemory() }
        return trippedMessage
    }

    /// Whether the run must stop now, for host code that checks as it goes (`json.decode`).
    var mustStop: Bool {
        poll() != nil
    }

    private func tripDeadlineOrMemory() {
        if memory.pointee.exceeded {
            tripped = .memory
        } else if memory.pointee.timedOut || MonotonicClock.now() > deadline {
            tripped = .time
        }
    }

    private var trippedMessage: UnsafePointer<CChar>? {
        switch tripped {
        case nil: nil
        case .instructions: UnsafePointer(instructionMessage)
        case .time: UnsafePointer(timeMessage)
        case .memory: UnsafePointer(memoryMessage)
        }
    }
}

/// The `hr_budget_check`s the shim calls; `context` is an unretained ``ExecutionBudget``.
let budgetCheck: hr_budget_check = { context, instructions in
    Unmanaged<ExecutionBudget>.fromOpaque(context.unsafelyUnwrapped).takeUnretainedValue()
        .check(instructions: Int(instructions))
}

let budgetPoll: hr_budget_check = { context, _ in
    Unmanaged<ExecutionBudget>.fromOpaque(context.unsafelyUnwrapped).takeUnretainedValue().poll()
}

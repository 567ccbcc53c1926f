#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLua
import CLuaShim

/// The byte count behind a Lua state's memory cap, updated by ``luaAllocate``, and the run's deadline as the
/// allocator sees it.
///
/// Lua raises an error (a longjmp) when an allocation fails. That is fine inside Lua code, which runs under a protected
/// call made from C, but fatal while Swift is pushing a decoded body onto the stack: the longjmp would cross Swift
/// frames. So while the host builds values (`hostIsBuilding`) the allocator never fails; the builder instead checks
/// ``isOverLimit`` at safe points and stops with an error of its own. The overshoot is bounded by one value of the
/// body being decoded, which the host has already size-limited.
///
/// The deadline is here because work that grows strings or tables allocates as it goes, often inside one library
/// call or one VM instruction (`s .. s`, `string.rep`) that the count hook cannot interrupt: on every allocation of
/// ``clockCheckBytes`` or more, the allocator looks at the clock, and past the deadline it refuses to grow, which
/// ends that call with a memory error and the run with ``timedOut``.
struct MemoryAccount {
    var limit: Int
    var used: Int = 0
    var peak: Int = 0
    /// Set once an allocation was refused in this run; the budget hook then stops the rule even if it caught the
    /// "not enough memory" error with `pcall`.
    var exceeded = false
    var hostIsBuilding = false
    /// The run's deadline (`CLOCK_MONOTONIC` nanoseconds), or 0 when no run is going on.
    var deadline: UInt64 = 0
    /// Set once the allocator refused to grow because the deadline had passed.
    var timedOut = false
    /// The state's main thread, for telling the budget hook about big allocations and refusals (see `luaAllocate`);
    /// nil until the state exists.
    var state: OpaquePointer?

    /// Allocations this big or bigger look at the clock during a run (see `luaAllocate`).
    static let clockCheckBytes = 64 << 10
    /// An allocation this big or bigger shortens the interval between budget checks (`hr_budget_tighten`).
    static let bigAllocationBytes = 1 << 20

    init(limit: Int) {
        self.limit = limit
    }

    var isOverLimit: Bool { used > limit }

    /// The account of `state`: every state's allocator is ``luaAllocate`` with its account as user data
    /// (``LuaHandle``).
    static func of(_ state: OpaquePointer) -> UnsafeMutablePointer<MemoryAccount> {
        var userData: UnsafeMutableRawPointer?
        _ = lua_getallocf(state, &userData)
        return userData.unsafelyUnwrapped.assumingMemoryBound(to: MemoryAccount.self)
    }

    /// Whether the run's deadline has passed (false when no run is going on).
    var isPastDeadline: Bool { deadline != 0 && MonotonicClock.now() > deadline }
}

/// `CLOCK_MONOTONIC` in nanoseconds.
enum MonotonicClock {
    static func now() -> UInt64 {
        read(CLOCK_MONOTONIC)
    }

    /// The same clock to within a few milliseconds, cheaper to read: for the watchdog, whose tick is 50 ms.
    static func coarseNow() -> UInt64 {
        #if os(Linux)
        read(CLOCK_MONOTONIC_COARSE)
        #else
        read(CLOCK_MONOTONIC)
        #endif
    }

    /// `duration` in nanoseconds, saturating.
    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : whole.addingReportingOverflow(UInt64(attoseconds / 1_000_000_000)).partialValue
    }

    private static func read(_ clock: clockid_t) -> UInt64 {
        var time = timespec()
        clock_gettime(clock, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}

/// A large allocation during a run: one of 1 MiB or more shortens the interval between the budget's checks (one VM
/// instruction on values this big, comparing two long strings, can take milliseconds: every 1,000 instructions per
/// MiB of the value), and once the deadline has passed no large allocation is granted to the rule (the host, which
/// cannot take a refusal, is never refused).
private func allowsLargeGrowth(_ account: UnsafeMutablePointer<MemoryAccount>, _ growth: Int) -> Bool {
    if growth >= MemoryAccount.bigAllocationBytes, let state = account.pointee.state {
        hr_budget_tighten(state, Int32(clamping: max(1, 1_000 * MemoryAccount.bigAllocationBytes / growth)))
    }
    guard !account.pointee.hostIsBuilding else { return true }
    if account.pointee.timedOut || account.pointee.isPastDeadline {
        account.pointee.timedOut = true
        refuse(account)
        return false
    }
    return true
}

/// A refused allocation ends in a memory error, which no message handler sees and a rule may catch: the budget
/// records where the rule was now, so the run's failure names that line.
private func refuse(_ account: UnsafeMutablePointer<MemoryAccount>) {
    if let state = account.pointee.state { hr_note_fault(state) }
}

/// The `lua_Alloc` of every HookRules state: `realloc`/`free` with a byte cap. A shrink never fails (Lua relies on
/// that), and a refused growth returns NULL, which Lua turns into a clean "not enough memory" error.
let luaAllocate: @convention(c) (
    UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, Int, Int
) -> UnsafeMutableRawPointer? = { userData, block, oldSize, newSize in
    let account = userData.unsafelyUnwrapped.assumingMemoryBound(to: MemoryAccount.self)
    // When `block` is NULL, Lua passes the kind of object in `oldSize`, not a size.
    let currentSize = block == nil ? 0 : oldSize
    if newSize == 0 {
        free(block)
        account.pointee.used -= currentSize
        return nil
    }
    let growth = newSize - currentSize
    if growth > 0 {
        // Only allocations of 64 KiB or more look at the run's clock: they are the ones a single library call or VM
        // instruction makes while it works on big values; small ones stay on the short path.
        if growth >= MemoryAccount.clockCheckBytes, account.pointee.deadline != 0, !allowsLargeGrowth(account, growth) {
            return nil
        }
        if !account.pointee.hostIsBuilding, account.pointee.used + growth > account.pointee.limit {
            account.pointee.exceeded = true
            refuse(account)
            return nil
        }
    }
    guard let resized = realloc(block, newSize) else {
        // A failed shrink keeps the old, larger block, which is still valid for the smaller size.
        return growth <= 0 ? block : nil
    }
    account.pointee.used += growth
    if account.pointee.used > account.pointee.peak {
        account.pointee.peak = account.pointee.used
    }
    return resized
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The byte count behind a Lua state's memory cap, updated by ``luaAllocate``.
///
/// Lua raises an error (a longjmp) when an allocation fails. That is fine inside Lua code, which runs under a protected
/// call made from C, but fatal while Swift is pushing a decoded body onto the stack: the longjmp would cross Swift
/// frames. So while the host builds values (`hostIsBuilding`) the allocator never fails; the builder instead checks
/// ``isOverLimit`` at safe points and stops with an error of its own. The overshoot is bounded by one value of the
/// body being decoded, which the host has already size-limited.
struct MemoryAccount {
    var limit: Int
    var used: Int = 0
    var peak: Int = 0
    /// Set once an allocation was refused in this run; the budget hook then stops the rule even if it caught the
    /// "not enough memory" error with `pcall`.
    var exceeded = false
    var hostIsBuilding = false

    init(limit: Int) {
        self.limit = limit
    }

    var isOverLimit: Bool { used > limit }
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
    if growth > 0, !account.pointee.hostIsBuilding, account.pointee.used + growth > account.pointee.limit {
        account.pointee.exceeded = true
        return nil
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

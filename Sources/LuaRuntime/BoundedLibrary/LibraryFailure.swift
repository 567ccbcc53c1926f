import CLua
import CLuaShim

/// Why a bounded library function ends without results: what its C trampoline then raises. A longjmp must never
/// cross a Swift frame, so the Swift function hands the error back as a status and the trampoline raises it in C,
/// with the message Lua's own function would give.
enum LibraryFailure: Error {
    /// An error as `luaL_error` raises it: the message, positioned at the calling line of the rule.
    case error(String)
    /// An error raised without a position, as lauxlib raises a buffer it could not grow ("not enough memory").
    case unpositioned(String)
    /// A bad argument, as `luaL_argerror(arg, message)` reports it: "bad argument #2 to 'insert' (message)".
    case argument(Int32, String)
    /// An argument of the wrong type, as `luaL_typeerror(arg, expected)` reports it.
    case type(Int32, String)
    /// The error of a protected operation (a replacement function, a metamethod, an allocation), on top of the
    /// stack: raised again as it is.
    case raised
    /// The run's budget answered that the run must stop: the trampoline raises the run's stop.
    case stop
}

/// Runs a bounded library function's body; its result count, or the status its trampoline acts on.
@inline(__always)
func libraryCall(_ state: OpaquePointer?, _ body: (OpaquePointer) throws(LibraryFailure) -> Int32) -> Int32 {
    let state = state.unsafelyUnwrapped
    do {
        return try body(state)
    } catch {
        return failureStatus(state, error)
    }
}

/// Pushes what the trampoline needs to raise `failure` and returns the status that asks for it. The pushes allocate
/// as the host (see ``MemoryAccount``): a refusal here would raise from a Swift frame.
private func failureStatus(_ state: OpaquePointer, _ failure: LibraryFailure) -> Int32 {
    let memory = MemoryAccount.of(state)
    let wasBuilding = memory.pointee.hostIsBuilding
    memory.pointee.hostIsBuilding = true
    defer { memory.pointee.hostIsBuilding = wasBuilding }
    // A C function always has LUA_MINSTACK slots; this only matters after a function pushed many values.
    _ = lua_checkstack(state, 3)
    switch failure {
    case .error(let message):
        return pushError(state, message)
    case .unpositioned(let message):
        pushString(state, message)
        return HR_RAISE
    case .argument(let argument, let message):
        lua_pushinteger(state, lua_Integer(argument))
        pushString(state, message)
        return HR_ARGUMENT_ERROR
    case .type(let argument, let expected):
        lua_pushinteger(state, lua_Integer(argument))
        pushString(state, expected)
        return HR_TYPE_ERROR
    case .raised:
        return HR_RAISE
    case .stop:
        return HR_STOP
    }
}

private func pushString(_ state: OpaquePointer, _ text: String) {
    var text = text
    text.withUTF8 { _ = lua_pushlstring(state, $0.baseAddress, $0.count) }
}

/// Charges `units` of work to the run's budget (`hr_budget_charge`), throwing when the run must stop.
@inline(__always)
func chargeBudget(_ state: OpaquePointer, _ units: Int) throws(LibraryFailure) {
    if hr_budget_try_charge(state, units) != 0 { throw .stop }
}

/// Work counted but not charged yet, charged in batches: a call into the budget per matching step or table element
/// would cost more than the step. The budget polls the deadline only every 2^20 units anyway, so a batch of 4,096
/// delays no check by more than that.
struct UnchargedWork {
    static let batch = 4096

    private let state: OpaquePointer
    private(set) var units: Int

    init(_ state: OpaquePointer, units: Int = 0) {
        self.state = state
        self.units = units
    }

    @inline(__always)
    mutating func add(_ more: Int) throws(LibraryFailure) {
        units &+= more
        if units >= Self.batch { try flush() }
    }

    /// Charges what is counted.
    mutating func flush() throws(LibraryFailure) {
        let charged = units
        units = 0
        try chargeBudget(state, charged)
    }
}

/// Throws the error a protected operation of the shim left on top of the stack, if it failed.
@inline(__always)
func protected(_ status: Int32) throws(LibraryFailure) {
    if status != LUA_OK { throw .raised }
}

import CLua
import CLuaShim

/// Builds the placeholder at stack index 1 (see ``LazyJSONBodies``), or pushes the error to raise.
private func buildPlaceholder(_ state: OpaquePointer, context: HostContext) -> Int32? {
    let outcome = context.building {
        Result { () throws(BodyDecodingError) in
            try context.lazyBodies.build(tableAt: 1, in: state, memory: context.memory)
        }
    }
    switch outcome {
    case .success(.built):
        return nil
    case .success(.notPending):
        return pushError(state, earlierRunMessage)
    case .failure(let error):
        return failedBuilding(state, context: context, error)
    }
}

private let earlierRunMessage = "this part of a hook's body belongs to an earlier run and is no longer available"

/// Pushes the error for a placeholder that could not be built (memory), marking the run as over its limit.
private func failedBuilding(_ state: OpaquePointer, context: HostContext, _ error: BodyDecodingError) -> Int32 {
    if context.memory.pointee.isOverLimit {
        context.memory.pointee.exceeded = true
        hr_note_fault(state)
    }
    return pushError(state, "body: \(error.reason)")
}

/// The lazy metatable's `__index(t, key)`: a member of an object is found by scanning its bytes for the first few
/// reads; otherwise `t` is built and `key` read from it raw.
let hostLazyIndex: hr_swift_function = { state in
    let state = state.unsafelyUnwrapped
    let context = HostContext.of(state)
    let lookup = context.building {
        Result { () throws(BodyDecodingError) in
            try context.lazyBodies.lookUp(keyAt: 2, inTableAt: 1, in: state, memory: context.memory)
        }
    }
    switch lookup {
    case .success(.value):
        return 1
    case .success(.absent):
        lua_pushnil(state)
        return 1
    case .success(.notPending):
        return pushError(state, earlierRunMessage)
    case .failure(let error):
        return failedBuilding(state, context: context, error)
    case .success(.needsBuild):
        if let raise = buildPlaceholder(state, context: context) { return raise }
        lua_pushvalue(state, 2)
        lua_rawget(state, 1)
        return 1
    }
}

/// The lazy metatable's `__len(t)`: builds `t`, then answers its raw length.
let hostLazyLength: hr_swift_function = { state in
    let state = state.unsafelyUnwrapped
    if let raise = buildPlaceholder(state, context: HostContext.of(state)) { return raise }
    lua_pushinteger(state, lua_Integer(lua_rawlen(state, 1)))
    return 1
}

/// `build(value)`, for the sandbox's raw functions (`next`, `rawget`, ...): builds `value` if it is a placeholder.
let hostLazyBuild: hr_swift_function = { state in
    let state = state.unsafelyUnwrapped
    let context = HostContext.of(state)
    guard context.lazyBodies.isPlaceholder(at: 1, in: state) else { return 0 }
    if let raise = buildPlaceholder(state, context: context) { return raise }
    return 0
}

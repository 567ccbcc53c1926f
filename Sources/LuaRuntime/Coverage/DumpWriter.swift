import CLua

/// The `lua_Writer` of ``LuaHandle/dump(scriptAt:)``: appends each piece to the `[UInt8]` behind `userData`.
/// Dumping allocates nothing in Lua and raises no error, so no longjmp can cross this Swift frame.
let appendDumpedBytes: lua_Writer = { _, piece, size, userData in
    let bytes = userData.unsafelyUnwrapped.assumingMemoryBound(to: [UInt8].self)
    bytes.pointee.append(contentsOf: UnsafeRawBufferPointer(start: piece, count: size))
    return 0
}

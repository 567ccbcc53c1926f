import CLua

extension String {
    /// The bytes of a Lua string as a `String`, or nil when they are not valid UTF-8. Results are mostly short ASCII
    /// (keys, scopes, ids): those are copied without the general validator, which costs more than the copy itself
    /// for such strings.
    init?(validatingLuaBytes bytes: UnsafeRawBufferPointer) {
        guard bytes.allSatisfyASCII else {
            guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
            self = text
            return
        }
        self = String(unsafeUninitializedCapacity: bytes.count) { buffer in
            _ = buffer.initialize(fromContentsOf: bytes)
            return bytes.count
        }
    }
}

extension UnsafeRawBufferPointer {
    /// True when no byte has its high bit set, checked a word at a time.
    var allSatisfyASCII: Bool {
        guard let base = baseAddress else { return true }
        var offset = 0
        while count - offset >= 8 {
            if base.loadUnaligned(fromByteOffset: offset, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            offset += 8
        }
        while offset < count {
            if base.load(fromByteOffset: offset, as: UInt8.self) >= 0x80 { return false }
            offset += 1
        }
        return true
    }
}

/// Pushes the UTF-8 bytes of `text` as a Lua string.
func pushLuaString(_ text: String, onto state: OpaquePointer) {
    var text = text
    text.withUTF8 { _ = lua_pushlstring(state, $0.baseAddress, $0.count) }
}

/// Sets `name = value` in the table on top of the stack for each pair, in order (a repeated name keeps its last
/// value). Needs two free stack slots.
func setLuaStringFields(_ pairs: [(name: String, value: String)], ofTableOnTopOf state: OpaquePointer) {
    for (name, value) in pairs {
        pushLuaString(name, onto: state)
        pushLuaString(value, onto: state)
        lua_rawset(state, -3)
    }
}

/// Sets the field `name` of the table on top of the stack to `bytes` as a Lua string. Needs two free stack slots.
func setLuaBytesField(_ name: String, _ bytes: [UInt8], ofTableOnTopOf state: OpaquePointer) {
    pushLuaString(name, onto: state)
    bytes.withUnsafeBufferPointer { _ = lua_pushlstring(state, $0.baseAddress, $0.count) }
    lua_rawset(state, -3)
}

import CLua
import CLuaShim

/// Pushes ``LuaInput``s onto a Lua stack. Runs while the state's memory account lets the host build without
/// allocation failures (see ``MemoryAccount``), and checks the limit itself at each table and body. Names for error
/// messages (`hook.body`) are autoclosures: spelled out only for an error, not for every field of every hook.
struct LuaInputWriter {
    let state: OpaquePointer
    let memory: UnsafeMutablePointer<MemoryAccount>
    let jsonDepth: Int
    let formPairs: Int
    let xmlElements: Int
    let lazyBodies: LazyJSONBodies

    func push(_ input: LuaInput, name: @autoclosure () -> String) throws(LuaError) {
        guard lua_checkstack(state, 4) != 0 else {
            throw LuaError(.invalidInput, "\(name()) cannot be passed: the Lua stack is full")
        }
        switch input {
        case .named(let given, let inner):
            try push(inner, name: given)
        case .value(let value):
            try push(value, name: name(), depth: 0)
        case .bytes(let bytes):
            bytes.withUnsafeBufferPointer { _ = lua_pushlstring(state, $0.baseAddress, $0.count) }
        case .json(let bytes):
            try decodeBody(bytes, name: name()) { buffer throws(BodyDecodingError) in
                try JSONLuaDecoder.push(buffer, onto: state, maxDepth: jsonDepth, memory: memory)
            }
        case .lazyJSON(let bytes):
            try decodeBody(bytes, name: name()) { _ throws(BodyDecodingError) in
                try lazyBodies.push(bytes, onto: state, maxDepth: jsonDepth, memory: memory)
            }
        case .form(let bytes):
            try decodeBody(bytes, name: name()) { buffer throws(BodyDecodingError) in
                try FormLuaDecoder.push(buffer, onto: state, maxPairs: formPairs, memory: memory)
            }
        case .xml(let bytes):
            try decodeBody(bytes, name: name()) { buffer throws(BodyDecodingError) in
                try XMLLuaDecoder.push(buffer, onto: state, maxElements: xmlElements, memory: memory)
            }
        case .strings(let fields):
            pushStrings(fields)
        case .lazyStrings(let fields):
            if !lazyBodies.pushStrings(fields, onto: state) { pushStrings(fields) }
        case .table(let fields):
            try pushTable(fields, extraSlots: 0, name: name())
        case .tableDeferringBytes(let fields, let key, let bytes):
            // Two slots more: the placeholder's tag, and the field itself once it is built.
            try pushTable(fields, extraSlots: 2, name: name())
            if !lazyBodies.deferField(key, bytes: bytes, ofTableOnTopOf: state) {
                setLuaBytesField(key, bytes, ofTableOnTopOf: state)
            }
        }
        try checkMemory(name())
    }

    /// Runs a body decoder; a failure is the run's memory or time limit when one was passed while decoding, and
    /// otherwise the body's fault (`hook.body: invalid JSON at byte 9: ...`).
    private func decodeBody(
        _ bytes: [UInt8], name: @autoclosure () -> String,
        _ decode: (UnsafeRawBufferPointer) throws(BodyDecodingError) -> Void
    ) throws(LuaError) {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(BodyDecodingError) in try decode(buffer) }
        }
        if case .failure(let error) = result {
            try checkMemory(name())
            try checkDeadline(name())
            throw LuaError(.invalidInput, "\(name()): \(error)")
        }
    }

    private func pushStrings(_ fields: [(name: String, value: String)]) {
        lua_createtable(state, 0, Int32(clamping: fields.count))
        setLuaStringFields(fields, ofTableOnTopOf: state)
    }

    private func pushTable(
        _ fields: [(String, LuaInput)], extraSlots: Int, name: @autoclosure () -> String
    ) throws(LuaError) {
        lua_createtable(state, 0, Int32(clamping: fields.count + extraSlots))
        for (key, field) in fields {
            pushString(key)
            try push(field, name: "\(name()).\(key)")
            lua_rawset(state, -3)
        }
    }

    private func push(_ value: LuaValue, name: @autoclosure () -> String, depth: Int) throws(LuaError) {
        guard depth < jsonDepth, lua_checkstack(state, 3) != 0 else {
            throw LuaError(.invalidInput, "\(name()) is nested too deeply")
        }
        switch value {
        case .nil: lua_pushnil(state)
        case .boolean(let flag): lua_pushboolean(state, flag ? 1 : 0)
        case .integer(let number): lua_pushinteger(state, lua_Integer(number))
        case .number(let number): lua_pushnumber(state, number)
        case .string(let text): pushString(text)
        case .array(let items):
            lua_createtable(state, Int32(clamping: items.count), 0)
            for (offset, item) in items.enumerated() {
                try push(item, name: name(), depth: depth + 1)
                lua_rawseti(state, -2, lua_Integer(offset + 1))
            }
            try checkMemory(name())
        case .table(let fields):
            lua_createtable(state, 0, Int32(clamping: fields.count))
            for (key, field) in fields {
                pushString(key)
                try push(field, name: name(), depth: depth + 1)
                lua_rawset(state, -3)
            }
            try checkMemory(name())
        }
    }

    private func pushString(_ text: String) {
        pushLuaString(text, onto: state)
    }

    /// Stops a run whose deadline passed while the host decoded a body for it.
    private func checkDeadline(_ name: @autoclosure () -> String) throws(LuaError) {
        if memory.pointee.isPastDeadline {
            throw LuaError(.timeLimit, "\(name()) took longer to decode than the run's time limit")
        }
    }

    private func checkMemory(_ name: @autoclosure () -> String) throws(LuaError) {
        if memory.pointee.isOverLimit {
            throw LuaError(.memoryLimit, "\(name()) needs more memory than the limit of \(memory.pointee.limit) bytes")
        }
    }
}

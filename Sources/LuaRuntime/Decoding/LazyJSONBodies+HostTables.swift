#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLua
import CLuaShim

/// Host tables made lazy with the placeholders of JSON bodies, for what most rules never read whole: the raw body
/// (a field copied into Lua only when reached) and the headers (one name answered from the Swift pairs, the table
/// built only when a rule reads more or touches it as a whole). A rule sees the same tables as if they had been
/// filled from the start; every raw access and metamethod builds a placeholder first (see ``LazyJSONBodies``).
extension LazyJSONBodies {
    /// Makes the table on top of the stack a placeholder that gets its field `name`, `bytes` as a Lua string, when it
    /// is built. False, with nothing changed, when there is no room for another body in a tag: the caller then sets
    /// the field itself.
    func deferField(_ name: String, bytes: [UInt8], ofTableOnTopOf state: OpaquePointer) -> Bool {
        guard metatableRef != nil, bodies.count < Self.maxBodies, lua_checkstack(state, 3) != 0 else { return false }
        bodies.append(.field(name: name, bytes: bytes))
        markPlaceholder(onTopOf: state, body: bodies.count - 1, ordinal: 0)
        return true
    }

    /// Pushes a table of strings (`name = value`, a repeated name keeping its last value) as a placeholder. False,
    /// with nothing pushed, when there is no room for another body in a tag: the caller then pushes the table.
    func pushStrings(_ pairs: [(name: String, value: String)], onto state: OpaquePointer) -> Bool {
        guard metatableRef != nil, bodies.count < Self.maxBodies, lua_checkstack(state, 4) != 0 else { return false }
        bodies.append(.strings(pairs))
        // Room for the tag only: a table read through lookups is never filled, and one that is built grows once.
        lua_createtable(state, 0, 1)
        markPlaceholder(onTopOf: state, body: bodies.count - 1, ordinal: 0)
        return true
    }

    /// Pushes the value of the last pair named `name` and answers `.value`, or `.absent` with nothing pushed.
    static func lookUp(
        _ name: UnsafeRawBufferPointer, in pairs: [(name: String, value: String)], state: OpaquePointer
    ) -> Lookup {
        for pair in pairs.reversed() where pair.name.utf8.count == name.count {
            let same = pair.name.utf8.withContiguousStorageIfAvailable { bytes in
                name.count == 0 || memcmp(bytes.baseAddress.unsafelyUnwrapped, name.baseAddress.unsafelyUnwrapped, name.count) == 0
            } ?? pair.name.utf8.elementsEqual(name)
            if same {
                pushLuaString(pair.value, onto: state)
                return .value
            }
        }
        return .absent
    }

    /// Fills the host table on top of the stack with what its placeholder deferred.
    func fillHostTable(
        _ body: Body, state: OpaquePointer, memory: UnsafeMutablePointer<MemoryAccount>
    ) throws(BodyDecodingError) {
        switch body {
        case .field(let name, let bytes):
            setLuaBytesField(name, bytes, ofTableOnTopOf: state)
        case .strings(let pairs):
            setLuaStringFields(pairs, ofTableOnTopOf: state)
        case .json:
            preconditionFailure("JSON bodies are filled by the decoder")
        }
        if memory.pointee.isOverLimit {
            throw BodyDecodingError(
                .json, offset: 0, reason: "a hook table needs more memory than the rule's limit (\(memory.pointee.limit) bytes)")
        }
    }
}

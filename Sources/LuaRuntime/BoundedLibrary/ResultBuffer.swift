import CLua
import CLuaShim

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a string being built (the result of `gsub` or `table.concat`), kept as lauxlib's `luaL_Buffer`
/// keeps them: the first KiB on the C stack, more in a block of the state's allocator, doubled as it grows. The
/// block answers to the run's memory limit and deadline as Lua's own buffers do, and a growth the allocator refuses
/// raises "not enough memory", unpositioned, as lauxlib raises it.
struct ResultBuffer: ~Copyable {
    /// LUAL_BUFFERSIZE on a 64-bit platform.
    static let initialCapacity = 1024

    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0
    private var isAllocated = false
    private let memory: UnsafeMutablePointer<MemoryAccount>

    private init(initial: UnsafeMutableBufferPointer<UInt8>, memory: UnsafeMutablePointer<MemoryAccount>) {
        storage = initial.baseAddress.unsafelyUnwrapped
        capacity = initial.count
        self.memory = memory
    }

    /// Runs `body` with an empty buffer, whose block (if it grew one) is freed when `body` returns or throws.
    static func with<Result>(
        _ state: OpaquePointer, _ body: (inout ResultBuffer) throws(LibraryFailure) -> Result
    ) throws(LibraryFailure) -> Result {
        let memory = MemoryAccount.of(state)
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: initialCapacity) {
            initial throws(LibraryFailure) -> Result in
            var buffer = ResultBuffer(initial: initial, memory: memory)
            defer { buffer.release() }
            return try body(&buffer)
        }
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) throws(LibraryFailure) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        if capacity - count < bytes.count { try grow(by: bytes.count) }
        (storage + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    mutating func append(_ byte: UInt8) throws(LibraryFailure) {
        if capacity == count { try grow(by: 1) }
        storage[count] = byte
        count += 1
    }

    /// Appends `value` in decimal, as Lua writes an integer.
    mutating func append(decimal value: Int) throws(LibraryFailure) {
        for digit in String(value).utf8 { try append(digit) }
    }

    /// Pushes the bytes as a Lua string.
    func push(_ state: OpaquePointer) throws(LibraryFailure) {
        var piece = hr_piece(
            bytes: UnsafeRawPointer(storage).assumingMemoryBound(to: CChar.self), length: count, integer: 0)
        try protected(hr_protected_push(state, &piece, 1))
    }

    /// lauxlib's `newbuffsize` and `resizebox`: double, or more when that is not enough.
    private mutating func grow(by needed: Int) throws(LibraryFailure) {
        guard Int.max - needed >= count else { throw .error("buffer too large") }
        let newCapacity = max(capacity * 2, count + needed)
        let old = isAllocated ? UnsafeMutableRawPointer(storage) : nil
        guard let block = luaAllocate(memory, old, isAllocated ? capacity : 0, newCapacity) else {
            throw .unpositioned("not enough memory")
        }
        let grown = block.assumingMemoryBound(to: UInt8.self)
        if !isAllocated { grown.update(from: storage, count: count) }
        storage = grown
        capacity = newCapacity
        isAllocated = true
    }

    private mutating func release() {
        if isAllocated { _ = luaAllocate(memory, UnsafeMutableRawPointer(storage), capacity, 0) }
        isAllocated = false
    }
}

import Foundation

/// A file read byte by byte through a 64 KiB buffer, which knows the offset of every byte it hands out and can go
/// back to an earlier offset (the CSV reader resumes after a malformed row from the line after its first).
final class FileBytes {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    /// The file offset of `buffer[0]`.
    private var bufferStart: UInt64 = 0
    private var ended = false

    init?(path: String) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        self.handle = handle
    }

    deinit {
        try? handle.close()
    }

    /// The offset of the byte `next()` returns next.
    var offset: UInt64 { bufferStart + UInt64(position) }

    /// The next byte, or nil at the end of the file.
    func next() throws -> UInt8? {
        if position == buffer.count {
            guard try refill() else { return nil }
        }
        defer { position += 1 }
        return buffer[position]
    }

    /// The next byte without consuming it.
    func peek() throws -> UInt8? {
        if position == buffer.count {
            guard try refill() else { return nil }
        }
        return buffer[position]
    }

    /// Goes on reading from `offset`.
    func seek(to offset: UInt64) throws {
        if offset >= bufferStart && offset <= bufferStart + UInt64(buffer.count) {
            position = Int(offset - bufferStart)
            return
        }
        try handle.seek(toOffset: offset)
        bufferStart = offset
        buffer = []
        position = 0
        ended = false
    }

    private func refill() throws -> Bool {
        guard !ended else { return false }
        bufferStart += UInt64(buffer.count)
        let chunk = try handle.read(upToCount: 1 << 16) ?? Data()
        buffer = [UInt8](chunk)
        position = 0
        if buffer.isEmpty { ended = true }
        return !buffer.isEmpty
    }
}

import Foundation

/// An `InputStream` over a file that knows when the file has ended.
///
/// CSV.swift asks `hasBytesAvailable` before every read and treats a read that returns nothing as an error.
/// swift-corelibs-foundation's file stream answers `true` at the end of the file, so every file would end in a
/// read error there; this stream reads ahead one chunk to answer truthfully, and keeps real read errors as
/// `streamError`.
final class FileByteStream: InputStream {
    private let handle: FileHandle
    private var chunk = Data()
    private var position = 0
    private var ended = false
    private var failure: (any Error)?
    private var status = Stream.Status.notOpen

    init?(path: String) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        self.handle = handle
        super.init(data: Data())
    }

    deinit {
        try? handle.close()
    }

    override func open() {
        if status == .notOpen { status = .open }
    }

    override func close() {
        status = .closed
    }

    override var streamStatus: Stream.Status { status }

    override var streamError: (any Error)? { failure }

    override var hasBytesAvailable: Bool {
        refillIfEmpty()
        return position < chunk.count
    }

    override func read(_ buffer: UnsafeMutablePointer<UInt8>, maxLength length: Int) -> Int {
        refillIfEmpty()
        if failure != nil { return -1 }
        let count = min(length, chunk.count - position)
        guard count > 0 else { return 0 }
        chunk.withUnsafeBytes { bytes in
            buffer.update(from: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self) + position, count: count)
        }
        position += count
        return count
    }

    private func refillIfEmpty() {
        guard position >= chunk.count, !ended, failure == nil else { return }
        do {
            chunk = try handle.read(upToCount: 1 << 16) ?? Data()
            position = 0
            if chunk.isEmpty { ended = true }
        } catch {
            failure = error
            status = .error
        }
    }
}

import Foundation
import Synchronization
import Testing

/// A small file system of the test's own (tmpfs, mounted by `mount`, so root only), for faults a real disk does not
/// make on demand: a full disk, a read-only one. Unmounted and removed by ``unmount()`` or when released.
public final class ScratchMount: Sendable {
    /// Why no scratch file system can be made here (not root, or `mount` refused).
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// The mount point.
    public let url: URL
    private let unmounted = Mutex(false)
    private var filler: URL { url.appendingPathComponent("filler") }

    private init(url: URL) {
        self.url = url
    }

    /// Mounts a tmpfs of `megabytes` on a fresh folder under the temporary directory.
    public static func tmpfs(megabytes: Int) throws -> ScratchMount {
        guard getuid() == 0 else { throw Unavailable(description: "mounting a tmpfs needs root") }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hookrules-mount-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        do {
            try run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m,mode=0755", "tmpfs", url.path])
        } catch {
            try? FileManager.default.removeItem(at: url)
            throw Unavailable(description: "cannot mount a tmpfs: \(error)")
        }
        return ScratchMount(url: url)
    }

    /// ``tmpfs(megabytes:)`` for a test case: where none can be mounted, the case fails in CI (`CI=true`) and is
    /// skipped elsewhere with a warning.
    public static func tmpfsForTest(megabytes: Int) throws -> ScratchMount {
        do {
            return try tmpfs(megabytes: megabytes)
        } catch let unavailable as Unavailable {
            if ProcessInfo.processInfo.environment["CI"] == "true" { throw unavailable }
            let message: Comment = "case skipped: \(unavailable)"
            Issue.record(message, severity: .warning)
            try Test.cancel(message)
        }
    }

    deinit {
        unmount()
    }

    /// Bytes free for files.
    public var freeBytes: Int {
        var info = statvfs()
        guard statvfs(url.path, &info) == 0 else { return 0 }
        return Int(info.f_bavail) * Int(info.f_frsize)
    }

    /// Writes a filler file so that `bytes` stay free (about: tmpfs counts whole pages).
    public func fill(leaving bytes: Int) throws {
        let size = (try? FileManager.default.attributesOfItem(atPath: filler.path)[.size] as? Int) ?? 0
        try resizeFiller(to: max(0, size + freeBytes - bytes))
    }

    /// Shrinks the filler by `bytes`: what an operator deleting files does.
    public func free(_ bytes: Int) throws {
        let size = (try? FileManager.default.attributesOfItem(atPath: filler.path)[.size] as? Int) ?? 0
        try resizeFiller(to: max(0, size - bytes))
    }

    /// Makes the file system read-only, or writable again.
    public func remount(readOnly: Bool) throws {
        try Self.run("/bin/mount", ["-o", "remount,\(readOnly ? "ro" : "rw")", url.path])
    }

    public func unmount() {
        guard !unmounted.withLock({ unmounted in defer { unmounted = true }; return unmounted }) else { return }
        try? Self.run("/bin/umount", [url.path])
        try? FileManager.default.removeItem(at: url)
    }

    private func resizeFiller(to size: Int) throws {
        if !FileManager.default.fileExists(atPath: filler.path) {
            _ = FileManager.default.createFile(atPath: filler.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: filler)
        defer { try? handle.close() }
        let current = Int(try handle.seekToEnd())
        if size < current {
            try handle.truncate(atOffset: UInt64(size))
            return
        }
        // Written, not sparse: tmpfs counts only pages that hold data.
        let chunk = Data(count: 64 * 1024)
        var left = size - current
        while left > 0 {
            let piece = min(left, chunk.count)
            do {
                try handle.write(contentsOf: chunk.prefix(piece))
            } catch {
                return  // the file system is full: as full as it gets
            }
            left -= piece
        }
    }

    private static func run(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Unavailable(description: "\(executable) \(arguments.joined(separator: " ")): \(message)")
        }
    }
}

import Foundation
import HookCapture
import HookModel
import Logging
import Synchronization

/// Writes received hooks as capture envelopes (`<folder>/<subscription>/<hook id>.hook.json`), so live traffic
/// becomes replayable fixtures: `hookrules replay` and fixture files read them as they are. A share of each
/// subscription's hooks is written (`rate`, 1 for all), off the reply path, a few at once; beyond that a capture is
/// skipped and counted rather than slowing the intake down.
public final class HookCapturer: Sendable {
    public let folder: URL
    private let rate: @Sendable (String) -> Double
    private let logger: Logger
    private let inFlight = Atomic<Int>(0)
    private let skipped = Atomic<Int>(0)
    static let maxInFlight = 32

    /// - Parameter rate: the share (0...1) of a subscription's hooks to capture.
    public init(folder: URL, rate: @escaping @Sendable (String) -> Double, logger: Logger) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        self.folder = folder
        self.rate = rate
        self.logger = logger
    }

    /// Captures skipped because too many were being written.
    public var skippedCount: Int { skipped.load(ordering: .relaxed) }

    /// Writes the hook when its subscription's share says so. Returns whether it was taken.
    @discardableResult
    public func capture(_ received: ReceivedHook, integration: String?) -> Bool {
        let share = rate(received.subscription)
        guard share > 0, share >= 1 || Double.random(in: 0..<1) < share else { return false }
        guard inFlight.add(1, ordering: .relaxed).newValue <= Self.maxInFlight else {
            inFlight.subtract(1, ordering: .relaxed)
            skipped.add(1, ordering: .relaxed)
            return false
        }
        let envelope = CaptureEnvelope(hook: received.hook, integration: integration)
        let file = folder.appendingPathComponent(Self.safeName(received.subscription), isDirectory: true)
            .appendingPathComponent(Self.safeName(received.id) + CaptureEnvelope.fileSuffix)
        Task {
            defer { self.inFlight.subtract(1, ordering: .relaxed) }
            do {
                try FileManager.default.createDirectory(
                    at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                // Written to a temporary name and renamed: a reader never sees half a capture.
                try envelope.encoded().write(to: file, options: .atomic)
            } catch {
                self.logger.warning("capture not written", metadata: ["hook": "\(received.id)", "error": "\(error)"])
            }
        }
        return true
    }

    /// A path component made of letters, digits, `-`, `_` and `.` only (subscription ids and hook ids are, but a
    /// path names any subscription).
    static func safeName(_ text: String) -> String {
        let mapped = text.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "-_.".unicodeScalars.contains(scalar))
                ? Character(scalar) : "_"
        }
        let name = String(mapped.prefix(120))
        return name.allSatisfy({ $0 == "." }) ? "_" : name
    }
}

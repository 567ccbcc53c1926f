import Foundation

/// Keeps every hook whose rule failed, as a capture envelope with its errors, so nothing is lost: once the rule (or
/// a preset) is fixed, `hookrules replay <folder>` runs them again, and ``remove(_:)`` drops the ones that now
/// resolve. Each hook is one file, written to a temporary name and renamed, so a crash never leaves half a file.
/// (The write is not fsynced: durability across power loss is the dispatch queue's job, not this folder's.)
public struct FailedHookStore: Sendable {
    public let folder: String

    public init(folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        self.folder = folder
    }

    /// Writes the hook and its errors; returns the file's path.
    @discardableResult
    public func keep(_ hook: Hook, outcome: HookOutcome) throws -> String {
        var envelope = CaptureEnvelope(hook: hook)
        envelope.errors = outcome.errors.map(\.description)
        let path = self.path(for: hook)
        // .atomic writes a temporary file and renames it over the target.
        try envelope.encoded().write(to: URL(fileURLWithPath: path), options: .atomic)
        return path
    }

    /// Every kept hook, oldest first.
    public func paths() -> [String] {
        (try? FolderListing.paths(in: folder, endingWith: CaptureEnvelope.fileSuffix)) ?? []
    }

    public func remove(_ path: String) throws {
        try FileManager.default.removeItem(atPath: path)
    }

    /// `<received time in ms>-<id with anything but letters, digits, - and _ replaced>.hook.json`: sorts by arrival,
    /// and the same hook kept twice overwrites itself.
    func path(for hook: Hook) -> String {
        let millis = Int64((hook.receivedAt.timeIntervalSince1970 * 1000).rounded())
        let safeId = String(hook.id.unicodeScalars.prefix(80).map {
            CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "-" || $0 == "_" ? Character($0) : "_"
        })
        let name = String(format: "%013lld", millis) + "-\(safeId)\(CaptureEnvelope.fileSuffix)"
        return (folder as NSString).appendingPathComponent(name)
    }
}

/// Where hooks enter: runs each through the engine and keeps the failed ones in a ``FailedHookStore``. The HTTP
/// server and any other intake go through this, so a rule error never drops a hook.
public struct HookIntake: Sendable {
    public let engine: RuleEngine
    public let failed: FailedHookStore

    public init(engine: RuleEngine, failed: FailedHookStore) {
        self.engine = engine
        self.failed = failed
    }

    /// The outcome; a failed hook has been written to the store before this returns (and if that write fails, the
    /// error says so: the caller must then not acknowledge the hook).
    public func receive(_ hook: Hook) async throws -> HookOutcome {
        let outcome = await engine.process(hook)
        if outcome.failed { try failed.keep(hook, outcome: outcome) }
        return outcome
    }
}

import Foundation

/// A throwaway copy of the repository's rules and samples, for tests that break or rewrite them.
struct ScratchCopy {
    let root: URL
    var rules: URL { root.appendingPathComponent("rules") }
    var samples: URL { root.appendingPathComponent("samples") }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("hookrules-copy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for folder in ["rules", "samples"] {
            try FileManager.default.copyItem(
                at: CommandRunner.repository.appendingPathComponent(folder), to: root.appendingPathComponent(folder))
        }
    }

    func remove() {
        try? FileManager.default.removeItem(at: root)
    }

    /// Replaces the first occurrence of `old` in a file of the copy; fails the test setup if it is not there.
    func edit(_ relativePath: String, replacing old: String, with new: String) throws {
        let url = root.appendingPathComponent(relativePath)
        let text = try String(contentsOf: url, encoding: .utf8)
        guard let range = text.range(of: old) else { throw EditError(file: relativePath, missing: old) }
        try text.replacingCharacters(in: range, with: new).write(to: url, atomically: true, encoding: .utf8)
    }

    func write(_ relativePath: String, _ text: String) throws {
        let url = root.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    struct EditError: Error {
        let file: String
        let missing: String
    }
}

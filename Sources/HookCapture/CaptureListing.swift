import Foundation

/// What `replay` finds under a path: every capture, and every other file with the reason it is not replayed, so
/// nothing under a folder is passed over silently.
///
/// A file named directly is a capture whatever its name. Under a folder (searched recursively) every file is a
/// capture, whatever its extension (`.json`, `.xml`, `.txt`, none), except:
/// - `<name>.headers.json` beside a body `<name>.<anything>`: that body's headers sidecar, read with it; a sidecar
///   with no body beside it is skipped, saying so;
/// - hidden files and folders (names starting with `.`, such as `.DS_Store` or `.git`): skipped;
/// - Markdown notes (`*.md`, such as a `SOURCES.md` saying where the captures came from): skipped.
public struct CaptureListing: Sendable {
    /// A file that is not replayed, and why.
    public struct Skipped: Sendable, Hashable, CustomStringConvertible {
        public let path: String
        public let reason: String

        public var description: String { "\(path): \(reason)" }
    }

    /// Capture files (bodies and envelopes), sorted.
    public let captures: [String]
    /// Everything else under the folder, sorted.
    public let skipped: [Skipped]

    public init(under path: String) throws(CaptureError) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw CaptureError(path: path, reason: "no such file or folder")
        }
        guard isFolder.boolValue else {
            captures = [path]
            skipped = []
            return
        }
        guard let walk = FileManager.default.enumerator(atPath: path) else {
            throw CaptureError(path: path, reason: "cannot read the folder")
        }
        var files: [String] = []
        var skipped: [Skipped] = []
        while let relative = walk.nextObject() as? String {
            let full = (path as NSString).appendingPathComponent(relative)
            let name = (relative as NSString).lastPathComponent
            var isSubfolder: ObjCBool = false
            // A link to nothing is listed as a capture, so that replaying it says the file is missing.
            let exists = FileManager.default.fileExists(atPath: full, isDirectory: &isSubfolder)
            if exists, isSubfolder.boolValue {
                if name.hasPrefix(".") {
                    walk.skipDescendants()
                    skipped.append(Skipped(path: full, reason: "hidden folder, not searched"))
                }
                continue
            }
            if name.hasPrefix(".") {
                skipped.append(Skipped(path: full, reason: "hidden file, not a capture"))
            } else if name.lowercased().hasSuffix(".md") {
                skipped.append(Skipped(path: full, reason: "Markdown notes, not a capture"))
            } else {
                files.append(full)
            }
        }
        let bodies = files.filter { !CapturedHook.isSidecar($0) && !CapturedHook.isEnvelope($0) }
        let claimed = Set(bodies.map(CapturedHook.sidecarPath(of:)))
        var captures: [String] = []
        for file in files {
            if CapturedHook.isSidecar(file), !CapturedHook.isEnvelope(file) {
                if !claimed.contains(file) {
                    let body = String(file.dropLast(CapturedHook.sidecarSuffix.count))
                    skipped.append(Skipped(
                        path: file,
                        reason: "a headers sidecar with no body file beside it (\((body as NSString).lastPathComponent).*)"))
                }
            } else {
                captures.append(file)
            }
        }
        self.captures = captures.sorted()
        self.skipped = skipped.sorted { $0.path < $1.path }
    }
}

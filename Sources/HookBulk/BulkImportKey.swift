import Crypto
import Foundation
import HookModel

/// Names one import: the file's content (SHA-256) and the settings that shape its requests. Re-running the same
/// file with the same subscription, direction and default scope finds the same checkpoint and resumes after it;
/// an edited file is another import. `--limit`, `--rate` and `--debug` are not part of it: a test batch and the
/// rest are one import.
enum BulkImportKey {
    static func make(file: String, settings: BulkImportSettings) throws(BulkFileError) -> String {
        let digest = try sha256(of: file)
        let scope = settings.defaultScope?.description ?? "-"
        return "bulk/1 sha256=\(digest) subscription=\(settings.subscription.id) direction=\(settings.direction.rawValue) scope=\(scope)"
    }

    private static func sha256(of file: String) throws(BulkFileError) -> String {
        guard let handle = FileHandle(forReadingAtPath: file) else {
            throw BulkFileError(file: file, message: "cannot read the file")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        } catch {
            throw BulkFileError(file: file, message: "cannot read the file (\(error.localizedDescription))")
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

import Foundation

/// The files directly in a folder whose names end with a suffix, as full paths sorted by name: how rule files and
/// fixture files are found.
package enum FolderListing {
    package static func paths(in folder: String, endingWith suffix: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { $0.hasSuffix(suffix) }
            .sorted()
            .map { (folder as NSString).appendingPathComponent($0) }
    }
}

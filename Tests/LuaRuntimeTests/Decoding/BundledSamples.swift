import Foundation

/// The captured webhooks in `samples/`, found from this file's place in the repository.
enum BundledSamples {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("samples")

    struct Sample {
        let path: String
        let bytes: [UInt8]
    }

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        Array(try Data(contentsOf: folder.appendingPathComponent(relativePath)))
    }

    static func all() throws -> [Sample] {
        let names = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []
        return try names.filter { $0.hasSuffix(".json") }.sorted().map { Sample(path: $0, bytes: try bytes($0)) }
    }
}

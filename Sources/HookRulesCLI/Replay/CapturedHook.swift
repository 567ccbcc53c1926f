import Foundation
import HookRules

/// A webhook captured to disk: a body file, and optionally `<name>.headers.json` beside it holding the headers.
struct CapturedHook {
    let path: String
    let body: [UInt8]
    let headers: HTTPHeaders

    /// The integration a capture belongs to: the name of the folder it sits in (`samples/shopify/...`).
    var folderName: String {
        URL(fileURLWithPath: path).deletingLastPathComponent().lastPathComponent
    }

    /// The capture as a hook for `subscription`; its path is its id, so replays are reproducible.
    func hook(subscription: String, integration: String) -> Hook {
        Hook(id: path, integration: integration, subscription: subscription, headers: headers, body: body)
    }

    static func isSidecar(_ path: String) -> Bool { path.hasSuffix(".headers.json") }

    static func sidecarPath(of path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingPathExtension().path + ".headers.json"
    }

    init(path: String) throws(CaptureError) {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CaptureError(path: path, reason: "cannot read the file")
        }
        body = Array(data)
        headers = try Self.readHeaders(at: Self.sidecarPath(of: path))
    }

    private static func readHeaders(at path: String) throws(CaptureError) -> HTTPHeaders {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        guard let data = FileManager.default.contents(atPath: path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            throw CaptureError(path: path, reason: "headers sidecar is not a JSON object")
        }
        var headers = HTTPHeaders()
        for (name, value) in object.sorted(by: { $0.key < $1.key }) {
            guard let text = value as? String else {
                throw CaptureError(path: path, reason: "header '\(name)' is not a string")
            }
            headers.add(name, text)
        }
        return headers
    }

    /// Every capture under `path` (a file, or a folder searched recursively), sidecars left out, in a stable order.
    static func paths(under path: String) throws(CaptureError) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw CaptureError(path: path, reason: "no such file or folder")
        }
        guard isFolder.boolValue else { return [path] }
        let found = FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []
        return found
            .filter { $0.hasSuffix(".json") && !isSidecar($0) }
            .map { (path as NSString).appendingPathComponent($0) }
            .sorted()
    }
}

struct CaptureError: Error, CustomStringConvertible {
    let path: String
    let reason: String
    var description: String { "\(path): \(reason)" }
}

import Foundation
import HookModel

/// A hook's headers and body as a sender posts it: a bundled capture from `samples/` (its exact body, and the
/// headers of its sidecar `<name>.headers.json` without the captured connection's own, Host and Content-Length),
/// or one a test makes.
struct SampleHook: Sendable {
    var headers: HTTPHeaders
    let body: [UInt8]

    static let connectionHeaders: Set<String> = ["host", "content-length", "connection", "transfer-encoding"]

    init(headers: HTTPHeaders, body: [UInt8]) {
        self.headers = headers
        self.body = body
    }

    init(_ path: String) throws {
        let url = CommandRunner.repository.appendingPathComponent("samples").appendingPathComponent(path)
        body = Array(try Data(contentsOf: url))
        let sidecar = url.deletingPathExtension().appendingPathExtension("headers.json")
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        if FileManager.default.fileExists(atPath: sidecar.path),
            let fields = try JSONSerialization.jsonObject(with: Data(contentsOf: sidecar)) as? [String: String] {
            headers = HTTPHeaders(
                fields.sorted { $0.key < $1.key }.filter { !Self.connectionHeaders.contains($0.key.lowercased()) }
                    .map { (name: $0.key, value: $0.value) })
        }
        self.headers = headers
    }

    /// The sample with `name` set to `value` (replacing any value it had): a fresh delivery id, say.
    func setting(_ name: String, _ value: String) -> SampleHook {
        var copy = self
        copy.headers = headers.removing(name)
        copy.headers.add(name, value)
        return copy
    }
}

extension HTTPHeaders {
    /// Without the fields named `name`.
    func removing(_ name: String) -> HTTPHeaders {
        HTTPHeaders(fields.filter { $0.name.caseInsensitiveCompare(name) != .orderedSame })
    }
}

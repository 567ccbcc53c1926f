import Foundation
import HookModel

/// A webhook captured to disk, in one of two layouts:
/// - a body file with, optionally, `<name>.headers.json` beside it holding the headers as a JSON object (the layout
///   of the bundled samples); its integration is the name of the folder it sits in;
/// - a capture envelope, `<name>.hook.json` (see ``CaptureEnvelope``), which carries its own integration,
///   subscription, id and exact body bytes.
public struct CapturedHook: Sendable {
    public let path: String
    public let body: [UInt8]
    public let headers: HTTPHeaders
    public let query: [String: String]
    /// The integration the capture names (envelopes), else the folder it sits in (`samples/shopify/...`).
    public let integration: String
    /// The subscription an envelope names.
    public let subscription: String?
    /// The envelope's hook id, else the path, so replays are reproducible.
    public let id: String
    public let receivedAt: Date?

    /// The capture as a hook for `subscription`.
    public func hook(subscription: Subscription) -> Hook {
        Hook(
            id: id, subscription: subscription.id, headers: headers, query: query, body: body,
            receivedAt: receivedAt ?? Date())
    }

    /// A body's headers sidecar is named `<name>.headers.json` for the body `<name>.<extension>`.
    static let sidecarSuffix = ".headers.json"

    public static func isSidecar(_ path: String) -> Bool { path.hasSuffix(sidecarSuffix) }

    public static func isEnvelope(_ path: String) -> Bool { path.hasSuffix(CaptureEnvelope.fileSuffix) }

    static func sidecarPath(of path: String) -> String {
        (path as NSString).deletingPathExtension + sidecarSuffix
    }

    public init(path: String) throws(CaptureError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CaptureError(path: path, reason: Self.unreadableReason(path))
        }
        self.path = path
        if Self.isEnvelope(path) {
            let (envelope, bytes) = try CaptureEnvelope.decode(data, path: path)
            body = bytes
            headers = HTTPHeaders(envelope.headers.map { (name: $0[0], value: $0[1]) })
            query = envelope.query ?? [:]
            integration = envelope.integration ?? Self.folderName(of: path)
            subscription = envelope.subscription
            id = envelope.id
            receivedAt = envelope.receivedAt
        } else {
            // An empty file is far more often a capture that went wrong than a hook without a body; an envelope
            // can record the latter exactly.
            guard !data.isEmpty else {
                throw CaptureError(
                    path: path,
                    reason: "the body file is empty (0 bytes); a hook received without a body is captured as an "
                        + "envelope (\(CaptureEnvelope.fileSuffix), docs/captures.md)")
            }
            body = Array(data)
            headers = try Self.readHeaders(at: Self.sidecarPath(of: path))
            query = [:]
            integration = Self.folderName(of: path)
            subscription = nil
            id = path
            receivedAt = nil
        }
    }

    /// A capture made in memory (a fixture's embedded hook).
    public init(path: String, integration: String, headers: HTTPHeaders, body: [UInt8]) {
        self.path = path
        self.body = body
        self.headers = headers
        self.query = [:]
        self.integration = integration
        self.subscription = nil
        self.id = path
        self.receivedAt = nil
    }

    private static func folderName(of path: String) -> String {
        URL(fileURLWithPath: path).deletingLastPathComponent().lastPathComponent
    }

    private static func unreadableReason(_ path: String) -> String {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return "no such file" }
        return isFolder.boolValue ? "is a folder, not a capture" : "cannot read the file (permission denied?)"
    }

    private static func readHeaders(at path: String) throws(CaptureError) -> HTTPHeaders {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CaptureError(path: path, reason: "cannot read the headers sidecar")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CaptureError(path: path, reason: "headers sidecar is not a JSON object")
        }
        var headers = HTTPHeaders()
        for (name, value) in object.sorted(by: { $0.key < $1.key }) {
            guard let text = value as? String else {
                throw CaptureError(path: path, reason: "header \"\(name)\" is not a string")
            }
            headers.add(name, text)
        }
        return headers
    }
}

/// Why a capture could not be read: the file and the reason.
public struct CaptureError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

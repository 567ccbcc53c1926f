import Foundation
import HookModel

/// The capture envelope: one received webhook as a self-contained JSON file named `<anything>.hook.json`, which
/// `replay` and fixtures read (and the intake server is to write). The body is base64 so its bytes survive
/// exactly (signatures are computed over them); headers are a list of pairs so repeated headers and their order
/// survive too. Documented in docs/captures.md.
///
/// ```json
/// {"format": "hookrules.capture/1", "id": "…", "integration": "shopify", "subscription": "acme-shopify",
///  "receivedAt": "2026-11-23T10:00:00Z", "headers": [["X-Shopify-Topic", "products/update"]],
///  "query": {}, "body": "eyJpZCI6MX0="}
/// ```
public struct CaptureEnvelope: Codable, Sendable, Hashable {
    public static let format = "hookrules.capture/1"
    /// Files with this suffix are read as envelopes; any other file is a body (with an optional sidecar).
    public static let fileSuffix = ".hook.json"

    public var format: String
    public var id: String
    public var integration: String?
    public var subscription: String?
    public var receivedAt: Date?
    public var headers: [[String]]
    public var query: [String: String]?
    /// The raw body, base64.
    public var body: String
    /// Why the hook was kept, when it failed: each error with its rule file and line.
    public var errors: [String]?

    /// The envelope of a received hook, naming the integration whose rule handles it.
    public init(hook: Hook, integration: String?) {
        format = Self.format
        id = hook.id
        self.integration = integration
        subscription = hook.subscription
        receivedAt = hook.receivedAt
        headers = hook.headers.fields.map { [$0.name, $0.value] }
        query = hook.query.isEmpty ? nil : hook.query
        body = Data(hook.body).base64EncodedString()
        errors = nil
    }

    /// The envelope as JSON, keys sorted so captures diff cleanly.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }

    /// The envelope and its body bytes (decoded once, here, where the base64 is checked).
    static func decode(_ data: Data, path: String) throws(CaptureError) -> (envelope: CaptureEnvelope, body: [UInt8]) {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let envelope: CaptureEnvelope
        do {
            envelope = try decoder.decode(CaptureEnvelope.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw CaptureError(path: path, reason: "capture envelope has no \"\(key.stringValue)\"")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw CaptureError(path: path, reason: "capture envelope field \"\(field)\": \(context.debugDescription)")
        } catch {
            throw CaptureError(path: path, reason: "not a capture envelope (invalid JSON)")
        }
        guard envelope.format == format else {
            throw CaptureError(path: path, reason: "unknown capture format \"\(envelope.format)\" (expected \(format))")
        }
        if let bad = envelope.headers.firstIndex(where: { $0.count != 2 }) {
            throw CaptureError(path: path, reason: "capture envelope header \(bad + 1) is not a [name, value] pair")
        }
        guard let body = Data(base64Encoded: envelope.body) else {
            throw CaptureError(path: path, reason: "capture envelope body is not base64")
        }
        return (envelope, Array(body))
    }
}

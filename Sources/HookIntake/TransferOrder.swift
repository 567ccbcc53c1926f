import Foundation
import HookModel

/// One entry of the manual-sync API's body: `{"id": "12345", "scope": "product/updated"}`, optionally with
/// `"direction": "to" | "from"` (default `to`) and `"debug": true` (to the front of the queue). The scope's action
/// may be written with the older action words `create`, `update`, `delete`.
struct TransferOrder: Decodable {
    let id: String
    let scope: String
    let direction: String?
    let debug: Bool?

    private enum CodingKeys: String, CodingKey {
        case id, scope, direction, debug
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let unknown = Set(try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue))
            .subtracting(["id", "scope", "direction", "debug"])
        if let key = unknown.sorted().first {
            throw DecodingError.dataCorruptedError(
                forKey: .id, in: container, debugDescription: "unknown field \"\(key)\" (known: id, scope, direction, debug)")
        }
        // Ids stay exact: text as it is, an integer by its digits (a 64-bit one decodes exactly); anything else
        // (a fraction, a number beyond 64 bits, which a JSON parser may already have rounded) is refused.
        if let text = try? container.decode(String.self, forKey: .id) {
            id = text
        } else if let number = try? container.decode(Int64.self, forKey: .id) {
            id = String(number)
        } else if let number = try? container.decode(UInt64.self, forKey: .id) {
            id = String(number)
        } else {
            throw DecodingError.dataCorruptedError(
                forKey: .id, in: container, debugDescription: "id must be a string (or an integer of at most 64 bits)")
        }
        scope = try container.decode(String.self, forKey: .scope)
        direction = try container.decodeIfPresent(String.self, forKey: .direction)
        debug = try container.decodeIfPresent(Bool.self, forKey: .debug)
    }

    /// The request this order asks for, or why it cannot be one.
    func request(for subscription: Subscription, catalog: ScopeCatalog) -> Result<TransferRequest, OrderProblem> {
        guard !id.isEmpty else { return .failure(OrderProblem("id is empty")) }
        guard let parsed = Self.scope(scope) else {
            return .failure(OrderProblem("\"\(scope)\" is not a scope such as \"product/updated\"", catalog: catalog))
        }
        guard catalog.contains(parsed) else {
            return .failure(OrderProblem("scope \(parsed) is not in the catalog of \(subscription.integration)", catalog: catalog))
        }
        let direction = Direction(rawValue: self.direction ?? "to")
        guard let direction else { return .failure(OrderProblem("direction must be \"to\" or \"from\", not \"\(self.direction ?? "")\"")) }
        return .success(TransferRequest(
            subscription: subscription.id, integration: subscription.integration, scope: parsed, direction: direction,
            externalId: id, debug: debug ?? false))
    }

    /// `collection/action`, with `create`, `update` and `delete` read as `created`, `updated` and `deleted`.
    static func scope(_ text: String) -> Scope? {
        if let scope = Scope(text) { return scope }
        let aliases = ["create": "created", "update": "updated", "delete": "deleted"]
        guard let slash = text.lastIndex(of: "/"), let action = aliases[String(text[text.index(after: slash)...])] else {
            return nil
        }
        return Scope(text[..<slash] + "/" + action)
    }
}

/// Why one order of a manual-sync call cannot be queued.
struct OrderProblem: Error {
    let message: String
    /// The scopes that would have been accepted, when the scope was the problem.
    let validScopes: [String]?

    init(_ message: String, catalog: ScopeCatalog? = nil) {
        self.message = message
        validScopes = catalog.map { $0.scopes.sorted().map(\.description) }
    }
}

private struct AnyKey: CodingKey {
    let stringValue: String
    let intValue: Int? = nil
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

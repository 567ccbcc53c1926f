import Foundation
import HookModel
import HookQueue

extension IntakeService {
    /// The manual-sync API: queues a transfer of each record a body lists (one order `{"id": ..., "scope": ...}` or
    /// a list of them) for `subscription`. Every order is checked before anything is queued: a scope outside the
    /// integration's catalog refuses the whole call with 422 listing the valid scopes, so nothing is accepted now
    /// to fail later. The orders are committed in one transaction before the 202.
    public func transfers(_ body: [UInt8], for subscription: Subscription) async -> IntakeReply {
        guard let rule = engine.book.rules[subscription.integration] else {
            return .error(503, "no rule is loaded for integration \(subscription.integration)")
        }
        let orders: [TransferOrder]
        do {
            orders = try Self.orders(in: body)
        } catch {
            return .error(400, "the body must be an order {\"id\": ..., \"scope\": ...} or a list of them: \(Self.reason(error))")
        }
        guard !orders.isEmpty else { return .error(400, "the list of orders is empty") }
        var requests: [TransferRequest] = []
        for (index, order) in orders.enumerated() {
            switch order.request(for: subscription, catalog: rule.catalog) {
            case .success(let request): requests.append(request)
            case .failure(let problem):
                var fields: [(String, JSONField)] = [("error", .string(problem.message)), ("order", .integer(index + 1))]
                if let scopes = problem.validScopes { fields.append(("valid_scopes", .strings(scopes))) }
                return .json(422, fields)
            }
        }
        do {
            guard case .committed(let receipt) = try await committer.commit(
                IntakeRecord(subscription: subscription.id, requests: requests))
            else { return .error(500, "a transfer call cannot be a duplicate") }
            return .json(202, [("requests", .integer(requests.count)), ("merged", .integer(receipt.coalesced))])
        } catch is IntakeOverloaded {
            return .error(503, "too many writes are waiting; retry shortly", headers: [(name: "Retry-After", value: "1")])
        } catch {
            return .error(503, "the orders could not be stored; retry later", headers: [(name: "Retry-After", value: "5")])
        }
    }

    static func orders(in body: [UInt8]) throws -> [TransferOrder] {
        let decoder = JSONDecoder()
        let data = Data(body)
        if body.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "[") {
            return try decoder.decode([TransferOrder].self, from: data)
        }
        return [try decoder.decode(TransferOrder.self, from: data)]
    }

    static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context), DecodingError.typeMismatch(_, let context),
            DecodingError.valueNotFound(_, let context):
            let path = context.codingPath.map { $0.intValue.map { "[\($0 + 1)]" } ?? $0.stringValue }.joined(separator: ".")
            return (path.isEmpty ? "" : "\(path): ") + context.debugDescription
        case DecodingError.keyNotFound(let key, let context):
            let path = context.codingPath.map { $0.intValue.map { "[\($0 + 1)]" } ?? $0.stringValue }.joined(separator: ".")
            return (path.isEmpty ? "" : "\(path): ") + "\"\(key.stringValue)\" is missing"
        default:
            return "not valid JSON"
        }
    }
}

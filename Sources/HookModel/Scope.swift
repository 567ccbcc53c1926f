/// What a transfer request is about: a mapping collection type and what happened to it, written
/// `product/updated`. External event names never get past the rules: only scopes do.
public struct Scope: Sendable, Hashable, Comparable, Codable, LosslessStringConvertible {
    public enum Action: String, Sendable, Hashable, Codable, CaseIterable {
        case created, updated, deleted
    }

    public var collection: String
    public var action: Action

    public init(collection: String, action: Action) {
        self.collection = collection
        self.action = action
    }

    /// Parses `collection/action`; the collection is lower-case letters, digits, `_` and `-`.
    public init?(_ description: String) {
        let parts = description.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let action = Action(rawValue: String(parts[1])),
            !parts[0].isEmpty,
            parts[0].allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "_" || $0 == "-" })
        else { return nil }
        self.init(collection: String(parts[0]), action: action)
    }

    public var description: String { "\(collection)/\(action.rawValue)" }

    public static func < (lhs: Scope, rhs: Scope) -> Bool { lhs.description < rhs.description }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let scope = Scope(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a scope: \(text)"))
        }
        self = scope
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

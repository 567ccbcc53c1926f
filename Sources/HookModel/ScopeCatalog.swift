/// The scopes one integration declares it produces. Every request a rule emits must use one of them.
public struct ScopeCatalog: Sendable, Hashable {
    public let scopes: Set<Scope>
    /// The scopes by their text, so a rule's `"product/updated"` is looked up rather than parsed on every request.
    private let byText: [String: Scope]

    public init(_ scopes: some Sequence<Scope>) {
        self.scopes = Set(scopes)
        byText = Dictionary(self.scopes.map { ($0.description, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func contains(_ scope: Scope) -> Bool { scopes.contains(scope) }

    /// The scopes sorted and comma-separated, for messages that say what would have been accepted.
    public var listing: String { scopes.sorted().map(\.description).joined(separator: ", ") }

    /// The catalog's scope written `text`, or nil when `text` names no scope of the catalog.
    public func scope(named text: String) -> Scope? { byText[text] }
}

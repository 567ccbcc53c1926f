/// The scopes one integration declares it produces. Every request a rule emits must use one of them.
public struct ScopeCatalog: Sendable, Hashable {
    public let scopes: Set<Scope>

    public init(_ scopes: some Sequence<Scope>) {
        self.scopes = Set(scopes)
    }

    public func contains(_ scope: Scope) -> Bool { scopes.contains(scope) }
}

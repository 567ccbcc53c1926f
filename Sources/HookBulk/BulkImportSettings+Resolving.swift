import HookModel

/// Where an integration's scopes come from: its catalog and the rule file that declares it (for messages).
public struct DeclaredCatalog: Sendable {
    public var catalog: ScopeCatalog
    public var source: String

    public init(catalog: ScopeCatalog, source: String) {
        self.catalog = catalog
        self.source = source
    }
}

extension BulkImportSettings {
    /// The settings of a run for the subscription named `id`: the subscription, its integration's catalog, and the
    /// scope of rows without one, which must be in that catalog.
    public init(
        subscription id: String, direction: Direction, defaultScope: Scope?, in subscriptions: SubscriptionDirectory,
        catalogs: [String: DeclaredCatalog]
    ) throws(BulkSettingsError) {
        guard let subscription = subscriptions[id] else { throw .unknownSubscription(id) }
        guard let declared = catalogs[subscription.integration] else {
            throw .noRule(subscription: id, integration: subscription.integration)
        }
        if let defaultScope, !declared.catalog.contains(defaultScope) {
            throw .scopeNotInCatalog(defaultScope, declared)
        }
        self.init(
            subscription: subscription, catalog: declared.catalog, catalogSource: declared.source, direction: direction,
            defaultScope: defaultScope)
    }
}

/// Why a bulk run cannot start with the settings asked for.
public enum BulkSettingsError: Error, Sendable, CustomStringConvertible {
    case unknownSubscription(String)
    case noRule(subscription: String, integration: String)
    case scopeNotInCatalog(Scope, DeclaredCatalog)

    public var description: String {
        switch self {
        case .unknownSubscription(let id): "unknown subscription \"\(id)\""
        case .noRule(let id, let integration): "subscription \"\(id)\": no rule file for integration \(integration)"
        case .scopeNotInCatalog(let scope, let declared):
            "--scope \(scope) is not in the catalog of \(declared.source) (\(declared.catalog.listing))"
        }
    }
}

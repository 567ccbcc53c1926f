/// What happens to a `*/deleted` request. Deleting on a website should not silently delete in the point of sale,
/// so deletes are ignored unless the subscription says otherwise.
public enum DeletePolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Deleted records are ignored (the default).
    case ignore
    /// Deleted records become delete requests.
    case delete
    /// Deleted records become `*/updated` requests marked as delete-triggered: the receiving side re-reads the record
    /// and decides. Only the id is known.
    case update
}

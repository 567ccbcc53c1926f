/// Which way a record travels: `to` the platform (a hook came in) or `from` it (outbound).
public enum Direction: String, Sendable, Hashable, Codable {
    case to
    case from
}

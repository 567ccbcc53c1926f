/// Why a body could not be decoded: its format, the 0-based byte offset of the problem, and what is wrong there.
public struct BodyDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Format: String, Sendable {
        case json = "JSON"
        case form = "form body"
    }

    public var format: Format
    public var offset: Int
    public var reason: String

    public init(_ format: Format, offset: Int, reason: String) {
        self.format = format
        self.offset = offset
        self.reason = reason
    }

    /// `invalid JSON at byte 9: expected a member name in quotes`
    public var description: String { "invalid \(format.rawValue) at byte \(offset): \(reason)" }
}

/// Why a body could not be decoded: its format, the 0-based byte offset of the problem, and what is wrong there.
public struct BodyDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Format: String, Sendable {
        case json = "JSON"
        case form = "form body"
        case xml = "XML"
    }

    public var format: Format
    public var offset: Int
    public var reason: String
    /// The 1-based line of the problem, where the decoder counts lines (XML).
    public var line: Int?

    public init(_ format: Format, offset: Int, reason: String, line: Int? = nil) {
        self.format = format
        self.offset = offset
        self.reason = reason
        self.line = line
    }

    /// `invalid JSON at byte 9: expected a member name in quotes`, `invalid XML at byte 31 (line 2): ...`
    public var description: String {
        let position = line.map { "byte \(offset) (line \($0))" } ?? "byte \(offset)"
        return "invalid \(format.rawValue) at \(position): \(reason)"
    }
}

/// Why a form body could not be decoded; `offset` is the 0-based byte offset of the problem.
public struct FormDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "invalid form body at byte \(offset): \(reason)" }
}

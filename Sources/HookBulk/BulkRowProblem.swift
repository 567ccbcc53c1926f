/// Why a bulk file or one of its rows was refused, with where: `orders.csv:12: field scope: ...`.
public struct BulkRowProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public let file: String
    /// The line the row starts on (a quoted field may span several lines).
    public let line: Int
    /// The column at fault, when one is.
    public let field: String?
    public let message: String

    public init(file: String, line: Int, field: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String {
        "\(file):\(line): " + (field.map { "field \($0): " } ?? "") + message
    }
}

/// A bulk file that cannot be read at all (missing, unreadable, no `id` column), or changed while it was imported.
public struct BulkFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public let file: String
    public let message: String

    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { "\(file): \(message)" }
}

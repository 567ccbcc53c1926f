/// What the validation pass found: every row read, every problem kept (up to a cap, with the full count).
public struct BulkValidation: Sendable {
    /// The import's key (see ``BulkImport``): the same file and settings give the same key.
    public let key: String
    public let rows: Int
    public let validRows: Int
    /// The first ``BulkImport/keptProblems`` problems, in file order.
    public let problems: [BulkRowProblem]

    public var invalidRows: Int { rows - validRows }
}

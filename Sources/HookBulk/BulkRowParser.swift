import HookModel

/// Turns a data row into a transfer request, or says precisely what is wrong with it.
struct BulkRowParser {
    let file: String
    let settings: BulkImportSettings
    private let idColumn: Int
    private let scopeColumn: Int?
    private let columnCount: Int

    /// Finds the `id` and `scope` columns (by name, ignoring case and surrounding spaces; other columns are
    /// allowed and ignored).
    init(file: String, header: [String], settings: BulkImportSettings) throws(BulkFileError) {
        self.file = file
        self.settings = settings
        let names = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let idColumn = names.firstIndex(of: "id") else {
            throw BulkFileError(file: file, message: "line 1: no id column (the header has: \(header.joined(separator: ", ")))")
        }
        self.idColumn = idColumn
        scopeColumn = names.firstIndex(of: "scope")
        columnCount = header.count
        if scopeColumn == nil && settings.defaultScope == nil {
            throw BulkFileError(file: file, message: "line 1: no scope column; add one or pass --scope")
        }
    }

    func request(from record: BulkCSVRecord) throws(BulkRowProblem) -> TransferRequest {
        let fields: [String]
        switch record.content {
        case .malformed(let reason): throw problem(record, message: reason)
        case .fields(let read): fields = read
        }
        guard fields.count == columnCount else {
            throw problem(record, message: "expected \(columnCount) fields as in the header, found \(fields.count)")
        }
        let id = fields[idColumn]
        guard !id.trimmingCharacters(in: .whitespaces).isEmpty else { throw problem(record, field: "id", message: "the id is empty") }
        guard id.trimmingCharacters(in: .whitespacesAndNewlines) == id else {
            throw problem(record, field: "id", message: "the id \"\(id)\" has leading or trailing spaces")
        }
        return TransferRequest(
            subscription: settings.subscription.id, integration: settings.subscription.integration,
            scope: try scope(of: record, fields: fields), direction: settings.direction, externalId: id, debug: settings.debug,
            hookId: "\(file):\(record.line)"
        )
    }

    private func scope(of record: BulkCSVRecord, fields: [String]) throws(BulkRowProblem) -> Scope {
        let cell = scopeColumn.map { fields[$0].trimmingCharacters(in: .whitespaces) } ?? ""
        guard !cell.isEmpty else {
            guard let scope = settings.defaultScope else {
                throw problem(record, field: "scope", message: "the scope is empty and no --scope was given")
            }
            return scope
        }
        guard let scope = Scope(cell) else {
            throw problem(record, field: "scope", message: "\"\(cell)\" is not a scope (write collection/action, e.g. product/updated)")
        }
        guard settings.catalog.contains(scope) else {
            throw problem(
                record, field: "scope", message: "\(scope) is not in the catalog of \(settings.catalogSource) (\(settings.catalog.listing))")
        }
        return scope
    }

    private func problem(_ record: BulkCSVRecord, field: String? = nil, message: String) -> BulkRowProblem {
        BulkRowProblem(file: file, line: record.line, field: field, message: message)
    }
}

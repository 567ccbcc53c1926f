import HookQueue
import HookModel

/// A bulk sync: every row of a CSV file of ids becomes a transfer request for one subscription.
///
/// It runs in two passes over the file, each streaming one row at a time. ``validate()`` reads every row first, so
/// a bad row fails the run before anything is enqueued. ``enqueue(into:progress:)`` then enqueues the rows in
/// batches; each batch is committed together with the import's checkpoint (the rows done so far), so after an
/// interruption a re-run resumes exactly after the last committed batch and no row is enqueued twice.
public struct BulkImport: Sendable {
    /// How many problems a validation keeps to show; the count covers all of them.
    public static let keptProblems = 100

    public let file: String
    public let settings: BulkImportSettings

    public init(file: String, settings: BulkImportSettings) {
        self.file = file
        self.settings = settings
    }

    /// Reads the whole file once: counts rows, checks each, and names the import.
    public func validate() throws(BulkFileError) -> BulkValidation {
        let key = try BulkImportKey.make(file: file, settings: settings)
        var rows = 0
        var valid = 0
        var problems: [BulkRowProblem] = []
        try forEachRow { result in
            rows += 1
            switch result {
            case .success: valid += 1
            case let .failure(problem): if problems.count < Self.keptProblems { problems.append(problem) }
            }
            return true
        }
        return BulkValidation(key: key, rows: rows, validRows: valid, problems: problems)
    }

    /// Calls `body` with the request of each valid row, in file order, as a dry run shows them: invalid rows are
    /// skipped, at most `limit` rows are read. One row is in memory at a time.
    public func forEachRequest(limit: Int? = nil, _ body: (TransferRequest) -> Void) throws(BulkFileError) {
        var index = 0
        try forEachRow { result in
            index += 1
            if case let .success(request) = result { body(request) }
            return limit.map { index < $0 } ?? true
        }
    }

    /// Calls `body` with each data row's request or problem, in file order, until it returns false.
    func forEachRow(_ body: (Result<TransferRequest, BulkRowProblem>) throws(BulkFileError) -> Bool) throws(BulkFileError) {
        let rows = try BulkCSVRows(file: file)
        let parser = try BulkRowParser(file: file, header: rows.header, settings: settings)
        while true {
            let record: BulkCSVRecord?
            do {
                record = try rows.next()
            } catch {
                // A row the reader cannot decode ends the file: nothing after it can be trusted.
                throw BulkFileError(file: file, message: error.description)
            }
            guard let record else { return }
            let result: Result<TransferRequest, BulkRowProblem>
            do {
                result = .success(try parser.request(from: record))
            } catch {
                result = .failure(error)
            }
            guard try body(result) else { return }
        }
    }
}

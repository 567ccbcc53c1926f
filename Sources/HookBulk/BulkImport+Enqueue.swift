import HookQueue
import HookModel

/// How far an enqueue run has got, for a progress bar.
public struct BulkProgress: Sendable, Hashable {
    /// Data rows handled by this and earlier runs of the import.
    public var rowsDone: Int
    /// Requests accepted by this and earlier runs.
    public var requestsEnqueued: Int
    /// Rows handled by this run.
    public var rowsThisRun: Int
}

/// What an enqueue run did.
public struct BulkEnqueueResult: Sendable, Hashable {
    /// Rows an earlier run had already handled (from the checkpoint).
    public var resumedAfter: Int
    public var rowsThisRun: Int
    public var requestsThisRun: Int
    /// Requests merged into equal pending ones (the same id twice in the file, or already queued by a hook).
    public var coalescedThisRun: Int
    public var skippedThisRun: Int
    public var progress: BulkProgress
    /// Every row of the file is handled (false after a `--limit` test batch that did not reach the end).
    public var finished: Bool
}

extension BulkImport {
    /// Enqueues the rows after the import's checkpoint into `queue`, in batches committed with the checkpoint.
    /// - Parameters:
    ///   - validation: this file's ``validate()`` result: its key and row count.
    ///   - progress: called after every committed batch.
    public func enqueue(
        _ validation: BulkValidation, into queue: any TransferQueue, progress: (BulkProgress) -> Void = { _ in }
    ) async throws -> BulkEnqueueResult {
        let checkpoint = try await queue.checkpoint(forImport: validation.key)
        let start = checkpoint?.rowsDone ?? 0
        var state = BulkProgress(rowsDone: start, requestsEnqueued: checkpoint?.requestsEnqueued ?? 0, rowsThisRun: 0)
        var result = BulkEnqueueResult(
            resumedAfter: start, rowsThisRun: 0, requestsThisRun: 0, coalescedThisRun: 0, skippedThisRun: 0,
            progress: state, finished: start >= validation.rows
        )
        let end = settings.limit.map { min(validation.rows, start + $0) } ?? validation.rows
        guard start < end else { return result }

        var pacer = settings.rowsPerSecond.map { RowPacer(rowsPerSecond: $0) }
        let batchRows = pacer?.batchRows(upTo: settings.batchSize) ?? settings.batchSize
        var batch: [TransferRequest] = []
        var batchRowCount = 0
        var index = 0

        func commit() async throws {
            try await pacer?.waitForTurn()
            let checkpoint = ImportCheckpoint(
                key: validation.key, rowsDone: state.rowsDone + batchRowCount,
                requestsEnqueued: state.requestsEnqueued + batch.count
            )
            let receipt = try await queue.enqueue(batch, checkpoint: checkpoint)
            pacer?.sent(batchRowCount)
            state = BulkProgress(
                rowsDone: checkpoint.rowsDone, requestsEnqueued: checkpoint.requestsEnqueued,
                rowsThisRun: state.rowsThisRun + batchRowCount
            )
            result.requestsThisRun += batch.count
            result.coalescedThisRun += receipt.coalesced
            batch.removeAll(keepingCapacity: true)
            batchRowCount = 0
            progress(state)
        }

        // The rows are read synchronously; batches are committed between reads.
        let rows = try BulkCSVRows(file: file)
        let parser = try BulkRowParser(file: file, header: rows.header, settings: settings)
        while index < end, let record = try nextRecord(rows) {
            defer { index += 1 }
            guard index >= start else { continue }
            do {
                batch.append(try parser.request(from: record))
            } catch {
                guard settings.skipInvalid else {
                    throw BulkFileError(file: file, message: "changed since it was validated: \(error.description)")
                }
                result.skippedThisRun += 1
            }
            batchRowCount += 1
            if batchRowCount == batchRows { try await commit() }
        }
        if batchRowCount > 0 { try await commit() }
        guard state.rowsDone == end else {
            throw BulkFileError(file: file, message: "changed since it was validated: it ends after \(state.rowsDone) rows, not \(end)")
        }
        result.rowsThisRun = state.rowsThisRun
        result.progress = state
        result.finished = state.rowsDone >= validation.rows
        return result
    }

    private func nextRecord(_ rows: BulkCSVRows) throws(BulkFileError) -> BulkCSVRecord? {
        do {
            return try rows.next()
        } catch {
            throw BulkFileError(file: file, message: error.description)
        }
    }
}

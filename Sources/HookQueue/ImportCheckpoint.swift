/// How far a bulk import (a CSV file fed to the queue in batches) has got, stored by the queue in the same
/// transaction as the requests it covers. After a crash or Ctrl-C the stored checkpoint names exactly the rows whose
/// requests were accepted, so a re-run resumes after them and no row is enqueued twice.
public struct ImportCheckpoint: Sendable, Hashable {
    /// Names one import: the same file with the same options gets the same key (see the CLI's `bulk`).
    public var key: String
    /// Data rows handled so far (enqueued, or skipped as invalid), counted from the first data row.
    public var rowsDone: Int
    /// Requests accepted so far over all batches of this import.
    public var requestsEnqueued: Int

    public init(key: String, rowsDone: Int, requestsEnqueued: Int) {
        self.key = key
        self.rowsDone = rowsDone
        self.requestsEnqueued = requestsEnqueued
    }
}

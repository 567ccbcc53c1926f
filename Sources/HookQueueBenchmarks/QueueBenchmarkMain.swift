import Foundation
import GRDBSQLite

/// `hookrules-queue-bench`: enqueue/s with batches of 1 and 100, and claim+ack/s with 1 and 4 workers, through the
/// SQLite queue and, in the same run on the same kind of file, through plain SQL (``RawReference``). Prints a table.
/// Exits non-zero only if a run fails, never because of a figure.
@main
struct QueueBenchmarkMain {
    static func main() async throws {
        let options = try QueueBenchmarkOptions(arguments: Array(CommandLine.arguments.dropFirst()))
        let root = options.folder.appendingPathComponent("hookrules-queue-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }

        print("SQLite \(String(cString: sqlite3_libversion())), WAL, synchronous=FULL, BEGIN IMMEDIATE; files in \(root.path)")
        print("enqueue: \(options.seconds) s per case and side; claim+ack: \(options.items) requests, \(options.claimBatch) per claim, acknowledged together")
        var report = QueueBenchmarkReport()
        let enqueueCases: [(batch: Int, shape: BenchmarkRequests.Shape)] = [(1, .ordered), (100, .ordered), (100, .scattered)]
        for (batch, shape) in enqueueCases where options.only != "claim" {
            let name = "enqueue, batch \(batch)" + (batch == 1 ? "" : ", \(shape.rawValue)")
            let file = "enqueue-\(batch)-\(shape.rawValue)"
            let ours = try await QueueSide.enqueue(
                folder: root.appendingPathComponent("queue-\(file)"), batch: batch, shape: shape, seconds: options.seconds)
            let raw = try await ReferenceSide.enqueue(
                path: root.appendingPathComponent("raw-\(file).sqlite").path, batch: batch, shape: shape,
                seconds: options.seconds)
            report.add(name, ours: ours, reference: raw)
        }
        for workers in [1, 4] where options.only != "enqueue" {
            let name = "claim+ack, \(workers) worker\(workers == 1 ? "" : "s")"
            let ours = try await QueueSide.claimAndAck(
                folder: root.appendingPathComponent("queue-claim-\(workers)"), items: options.items, workers: workers,
                batch: options.claimBatch)
            let raw = try await ReferenceSide.claimAndDelete(
                path: root.appendingPathComponent("raw-claim-\(workers).sqlite").path, items: options.items,
                workers: workers, batch: options.claimBatch)
            report.add(name, ours: ours, reference: raw)
        }
        report.print()
        print("""
            ordered: one subscription per batch, ascending ids; scattered: 7 subscriptions per batch, scattered ids
            queue workers are tasks sharing one SQLiteTransferQueue; raw workers are threads with a connection each
            """)
    }
}

/// The table: one row per case, the queue beside the plain-SQL reference.
struct QueueBenchmarkReport {
    private var rows: [[String]] = [["case", "queue/s", "raw SQL/s", "queue/raw"]]

    mutating func add(_ name: String, ours: Rate, reference: Rate) {
        rows.append([
            name, format(ours.perSecond), format(reference.perSecond),
            String(format: "%.2f", ours.perSecond / reference.perSecond),
        ])
    }

    func print() {
        let widths = [30, 12, 12, 10]
        for row in rows {
            Swift.print(zip(row, widths).enumerated().map { index, pair in
                let (text, width) = pair
                let padding = String(repeating: " ", count: max(0, width - text.count))
                return index == 0 ? text + padding : padding + text
            }.joined(separator: " "))
        }
    }

    private func format(_ value: Double) -> String { String(format: "%.0f", value) }
}

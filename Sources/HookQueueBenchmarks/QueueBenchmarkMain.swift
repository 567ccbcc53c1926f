import Foundation

/// `hookrules-queue-bench`: enqueue/s with batches of 1 and 100, and claim+ack/s with 1 and 4 workers, through a
/// queue and, in the same run on the same kind of storage, through plain SQL: the SQLite queue beside SQLite's C API
/// (``SQLiteBenchmark``), or with `--postgres URL` the PostgreSQL queue beside plain statements through postgres-nio
/// on the same server (``PostgresBenchmark``). Prints a table. Exits non-zero only if a run fails, never because of
/// a figure.
@main
struct QueueBenchmarkMain {
    static func main() async throws {
        let options = try QueueBenchmarkOptions(arguments: Array(CommandLine.arguments.dropFirst()))
        let backend: any BenchmarkBackend = if let url = options.postgres {
            try await PostgresBenchmark(url: url)
        } else {
            try SQLiteBenchmark(folder: options.folder)
        }
        print(backend.summary)
        print("enqueue: \(options.seconds) s per case and side; claim+ack: \(options.items) requests, \(options.claimBatch) per claim, acknowledged together")
        let report: QueueBenchmarkReport
        do {
            report = try await run(backend, options)
        } catch {
            try? await backend.removeStorage()
            throw error
        }
        try await backend.removeStorage()
        report.print()
        print("ordered: one subscription per batch, ascending ids; scattered: 7 subscriptions per batch, scattered ids")
        print(backend.notes)
    }

    private static func run(_ backend: any BenchmarkBackend, _ options: QueueBenchmarkOptions) async throws -> QueueBenchmarkReport {
        var report = QueueBenchmarkReport()
        let enqueueCases: [(batch: Int, shape: BenchmarkRequests.Shape)] = [(1, .ordered), (100, .ordered), (100, .scattered)]
        for (batch, shape) in enqueueCases where options.only != "claim" {
            let name = "enqueue, batch \(batch)" + (batch == 1 ? "" : ", \(shape.rawValue)")
            let storage = "enqueue_\(batch)_\(shape.rawValue)"
            let ours = try await backend.queueEnqueue(storage: storage, batch: batch, shape: shape, seconds: options.seconds)
            let raw = try await backend.rawEnqueue(storage: storage, batch: batch, shape: shape, seconds: options.seconds)
            report.add(name, ours: ours, reference: raw)
        }
        for workers in [1, 4] where options.only != "enqueue" {
            let name = "claim+ack, \(workers) worker\(workers == 1 ? "" : "s")"
            let storage = "claim_\(workers)"
            let ours = try await backend.queueClaimAndAck(
                storage: storage, items: options.items, workers: workers, batch: options.claimBatch)
            let references = try await backend.rawClaimAndDelete(
                storage: storage, items: options.items, workers: workers, batch: options.claimBatch)
            for reference in references {
                report.add(reference.name.map { "\(name) vs \($0)" } ?? name, ours: ours, reference: reference.rate)
            }
        }
        return report
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
        let widths = [46, 12, 12, 10]
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

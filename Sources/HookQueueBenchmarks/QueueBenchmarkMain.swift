import Foundation

/// `hookrules-queue-bench`: enqueue/s with batches of 1 and 100, and claim+ack/s with 1 and 4 workers, through a
/// queue and, in the same run on the same kind of storage, through plain SQL: the SQLite queue beside SQLite's C API
/// (``SQLiteBenchmark``), or with `--postgres URL` the PostgreSQL queue beside plain statements through postgres-nio
/// on the same server (``PostgresBenchmark``). Prints a table. Exits non-zero only if a run fails, never because of
/// a figure.
@main
struct QueueBenchmarkMain {
    static func main() async {
        do {
            try await runAll()
        } catch {
            FileHandle.standardError.write(Data("hookrules-queue-bench: \(error)\n".utf8))
            exit(1)
        }
    }

    static func runAll() async throws {
        let options = try QueueBenchmarkOptions(arguments: Array(CommandLine.arguments.dropFirst()))
        let backend: any BenchmarkBackend = if let url = options.postgres {
            try await PostgresBenchmark(url: url)
        } else {
            try SQLiteBenchmark(folder: options.folder)
        }
        print(backend.summary)
        print("enqueue: \(options.seconds) s per case and side; claim+ack: \(options.items) requests, \(options.claimBatch) per claim, acknowledged together; every case \(options.repeats) times, the sides taking turns, median run of each side")
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

    /// Runs every case `options.repeats` times, the queue and the reference taking turns, and reports the median run
    /// of each side: on a shared machine, interference moves single runs of one side at a time.
    private static func run(_ backend: any BenchmarkBackend, _ options: QueueBenchmarkOptions) async throws -> QueueBenchmarkReport {
        var report = QueueBenchmarkReport(repeats: options.repeats)
        let enqueueCases: [(batch: Int, shape: BenchmarkRequests.Shape)] = [(1, .ordered), (100, .ordered), (100, .scattered)]
        for (batch, shape) in enqueueCases where options.only != "claim" {
            var ours: [Rate] = []
            var raw: [Rate] = []
            for run in 1...options.repeats {
                let storage = "enqueue_\(batch)_\(shape.rawValue)_\(run)"
                ours.append(try await backend.queueEnqueue(storage: storage, batch: batch, shape: shape, seconds: options.seconds))
                raw.append(try await backend.rawEnqueue(storage: storage, batch: batch, shape: shape, seconds: options.seconds))
            }
            report.add("enqueue, batch \(batch)" + (batch == 1 ? "" : ", \(shape.rawValue)"), ours: ours, reference: raw)
        }
        for workers in options.workers where options.only != "enqueue" {
            var ours: [Rate] = []
            // The same workers as slots of one worker (one worker id); only with more than one.
            var oursAsSlots: [Rate] = []
            // One list per reference loop, in the order the backend runs them (the same in every run).
            var references: [(name: String?, rates: [Rate])] = []
            for run in 1...options.repeats {
                let storage = "claim_\(workers)_\(run)"
                ours.append(try await backend.queueClaimAndAck(
                    storage: storage, items: options.items, workers: workers, batch: options.claimBatch, oneWorker: false))
                if workers > 1 {
                    oursAsSlots.append(try await backend.queueClaimAndAck(
                        storage: storage + "_slots", items: options.items, workers: workers, batch: options.claimBatch,
                        oneWorker: true))
                }
                let rates = try await backend.rawClaimAndDelete(
                    storage: storage, items: options.items, workers: workers, batch: options.claimBatch)
                if references.isEmpty { references = rates.map { ($0.name, []) } }
                for (index, reference) in rates.enumerated() { references[index].rates.append(reference.rate) }
            }
            let name = "claim+ack, \(workers) worker\(workers == 1 ? "" : "s")"
            for reference in references {
                report.add(reference.name.map { "\(name) vs \($0)" } ?? name, ours: ours, reference: reference.rates)
            }
            if let reference = references.first, !oursAsSlots.isEmpty {
                report.add("claim+ack, \(workers) slots of one worker", ours: oursAsSlots, reference: reference.rates)
            }
        }
        return report
    }
}

/// The table: one row per case, the median run of the queue beside the median run of the plain-SQL reference, and
/// the lowest and highest ratio of the runs paired in turn.
struct QueueBenchmarkReport {
    private var rows: [[String]]

    init(repeats: Int) {
        rows = [["case", "queue/s", "raw SQL/s", "queue/raw", repeats > 1 ? "runs' range" : ""]]
    }

    mutating func add(_ name: String, ours: [Rate], reference: [Rate]) {
        let ratios = zip(ours, reference).map { $0.perSecond / $1.perSecond }
        let median = Self.median(ours) / Self.median(reference)
        rows.append([
            name, format(Self.median(ours)), format(Self.median(reference)), String(format: "%.2f", median),
            ratios.count > 1 ? String(format: "%.2f–%.2f", ratios.min() ?? 0, ratios.max() ?? 0) : "",
        ])
    }

    func print() {
        let widths = [46, 12, 12, 10, 12]
        for row in rows {
            Swift.print(zip(row, widths).enumerated().map { index, pair in
                let (text, width) = pair
                let padding = String(repeating: " ", count: max(0, width - text.count))
                return index == 0 ? text + padding : padding + text
            }.joined(separator: " "))
        }
    }

    /// The median rate (the mean of the middle two for an even count).
    private static func median(_ rates: [Rate]) -> Double {
        let sorted = rates.map(\.perSecond).sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    private func format(_ value: Double) -> String { String(format: "%.0f", value) }
}

import Foundation

/// `hookrules-queue-bench [--seconds S] [--items N] [--claim-batch N] [--folder DIR | --postgres URL]
/// [--only enqueue|claim] [--workers N] [--repeat K]`.
struct QueueBenchmarkOptions {
    /// How long each enqueue case runs, per side.
    var seconds = 2.0
    /// How many requests each claim+ack case drains, per side.
    var items = 50_000
    /// How many requests one claim takes (then acknowledged together).
    var claimBatch = 50
    /// Where the databases go (a fresh subfolder per case, removed afterwards); the system's temporary folder by
    /// default. Put it on the disk the queue will live on: with synchronous=FULL every commit waits for it.
    var folder = FileManager.default.temporaryDirectory
    /// Run only the enqueue cases or only the claim+ack ones (for profiling); both by default.
    var only: String?
    /// Run the claim+ack cases with this many workers only (1 and 4 by default).
    var workers = [1, 4]
    /// How many times each case runs on each side (taking turns); the report shows the median run.
    var repeats = 3
    /// Run on this PostgreSQL server instead of SQLite files: `postgres://USER@HOST:PORT/DATABASE`. The run makes a
    /// database of its own there (the user needs CREATEDB) and drops it at the end.
    var postgres: String?

    init(arguments: [String]) throws {
        var remaining = arguments[...]
        func value<T>(_ name: String, _ parse: (String) -> T?) throws -> T {
            guard let text = remaining.popFirst(), let parsed = parse(text) else {
                throw QueueBenchmarkFailure("\(name) needs a valid value")
            }
            return parsed
        }
        while let argument = remaining.popFirst() {
            switch argument {
            case "--seconds": seconds = try value(argument) { Double($0).flatMap { $0 > 0 ? $0 : nil } }
            case "--items": items = try value(argument) { Int($0).flatMap { $0 > 0 ? $0 : nil } }
            case "--claim-batch": claimBatch = try value(argument) { Int($0).flatMap { $0 > 0 ? $0 : nil } }
            case "--folder": folder = try value(argument) { URL(fileURLWithPath: $0, isDirectory: true) }
            case "--only": only = try value(argument) { ["enqueue", "claim"].contains($0) ? $0 : nil }
            case "--repeat": repeats = try value(argument) { Int($0).flatMap { $0 > 0 ? $0 : nil } }
            case "--workers": workers = [try value(argument) { Int($0).flatMap { $0 > 0 ? $0 : nil } }]
            case "--postgres": postgres = try value(argument) { $0.hasPrefix("postgres") ? $0 : nil }
            default:
                throw QueueBenchmarkFailure(
                    "usage: hookrules-queue-bench [--seconds S] [--items N] [--claim-batch N] [--folder DIR | --postgres URL] [--only enqueue|claim] [--workers N] [--repeat K]"
                )
            }
        }
    }
}

struct QueueBenchmarkFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

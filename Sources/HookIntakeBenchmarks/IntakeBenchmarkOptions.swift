import Foundation

/// `hookrules-intake-bench [--seconds S] [--rounds K] [--connections C] [--threads T] [--postgres URL]
/// [--folder DIR] [--rules DIR] [--samples DIR] [--hookrules PATH] [--script FILE] [--max-rate N] [--profile] [--keep]
/// [--baseline PATH]`.
struct IntakeBenchmarkOptions {
    /// How long each wrk run lasts.
    var seconds = 5
    /// How many times each side runs, taking turns; the report shows medians.
    var rounds = 5
    /// wrk's open connections (the hooks in flight at once) and threads, the same for every side.
    var connections = 64
    var threads = 1
    /// Also run `serve` on this PostgreSQL server, in a fresh schema of the URL's database.
    var postgres: String?
    /// Where the SQLite queue, the logs and the request files go; the system's temporary folder by default. Put it
    /// on the disk the queue will live on: every commit waits for its fsync.
    var folder = FileManager.default.temporaryDirectory
    var rules = "rules"
    var samples = "samples"
    /// The built `hookrules`; by default the one beside this executable (`swift build -c release` builds both).
    var hookrules = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("hookrules").path
    var script = "bench/intake/post.lua"
    /// The highest rate a durable side is expected to reach: captures whose delivery id is signed get enough
    /// pre-signed ids for a run at this rate (a faster run repeats them, which the report shows as duplicates).
    var maxRate = 20_000
    /// After the rounds, profile `serve` on SQLite during one more run (`perf record`) and say where its CPU
    /// time goes.
    var profile = false
    /// Keep the folder of the run (the queue, serve's logs, the profile's perf.data) instead of removing it.
    var keep = false
    /// Another build of `hookrules` (the code before a change) run as one more SQLite side, taking turns with the
    /// others: a change measured against the previous code in the same run.
    var baseline: String?

    static let usage = """
        usage: hookrules-intake-bench [--seconds S] [--rounds K] [--connections C] [--threads T] [--postgres URL] \
        [--folder DIR] [--rules DIR] [--samples DIR] [--hookrules PATH] [--script FILE] [--max-rate N] [--profile] [--keep] [--baseline PATH]
        """

    init(arguments: [String]) throws {
        var remaining = arguments[...]
        func value<T>(_ name: String, _ parse: (String) -> T?) throws -> T {
            guard let text = remaining.popFirst(), let parsed = parse(text) else {
                throw BenchmarkFailure("\(name) needs a valid value\n\(Self.usage)")
            }
            return parsed
        }
        func positive(_ text: String) -> Int? { Int(text).flatMap { $0 > 0 ? $0 : nil } }
        while let argument = remaining.popFirst() {
            switch argument {
            case "--seconds": seconds = try value(argument, positive)
            case "--rounds": rounds = try value(argument, positive)
            case "--connections": connections = try value(argument, positive)
            case "--threads": threads = try value(argument, positive)
            case "--postgres": postgres = try value(argument) { $0.hasPrefix("postgres") ? $0 : nil }
            case "--folder": folder = try value(argument) { URL(fileURLWithPath: $0, isDirectory: true) }
            case "--rules": rules = try value(argument) { $0 }
            case "--samples": samples = try value(argument) { $0 }
            case "--hookrules": hookrules = try value(argument) { $0 }
            case "--script": script = try value(argument) { $0 }
            case "--max-rate": maxRate = try value(argument, positive)
            case "--profile": profile = true
            case "--keep": keep = true
            case "--baseline": baseline = try value(argument) { $0 }
            default: throw BenchmarkFailure(Self.usage)
            }
        }
        guard connections >= threads else { throw BenchmarkFailure("--connections must be at least --threads") }
    }
}

struct BenchmarkOptions {
    var seconds = 1.0
    var samples = "samples"
    var rules = "rules"
    /// The folder of the benchmark's own rules (`generated.lua`).
    var benchRules = "bench/rules"
    /// Hooks the memory part runs through the engine before its last RSS reading.
    var memoryHooks = 1_000_000
    /// Run only one part: `json`, `xml`, `rules`, `readers`, `generated` or `memory`; nil runs everything.
    var only: String?

    static let parts = ["json", "xml", "rules", "readers", "generated", "memory"]
    static let usage = """
        usage: hookrules-bench [--seconds S] [--samples DIR] [--rules DIR] [--bench-rules DIR] [--memory-hooks N] \
        [--only json|xml|rules|readers|generated|memory]
        """

    init(arguments: [String]) throws {
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--seconds":
                guard let value = remaining.popFirst().flatMap(Double.init), value > 0 else {
                    throw BenchmarkFailure("--seconds needs a positive number")
                }
                seconds = value
            case "--samples":
                guard let value = remaining.popFirst() else { throw BenchmarkFailure("--samples needs a folder") }
                samples = value
            case "--only":
                guard let value = remaining.popFirst(), Self.parts.contains(value) else {
                    throw BenchmarkFailure("--only needs one of \(Self.parts.joined(separator: ", "))")
                }
                only = value
            case "--rules":
                guard let value = remaining.popFirst() else { throw BenchmarkFailure("--rules needs a folder") }
                rules = value
            case "--bench-rules":
                guard let value = remaining.popFirst() else { throw BenchmarkFailure("--bench-rules needs a folder") }
                benchRules = value
            case "--memory-hooks":
                guard let value = remaining.popFirst().flatMap(Int.init), value > 0 else {
                    throw BenchmarkFailure("--memory-hooks needs a positive number")
                }
                memoryHooks = value
            default:
                throw BenchmarkFailure(Self.usage)
            }
        }
    }
}

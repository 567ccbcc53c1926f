struct BenchmarkOptions {
    var seconds = 1.0
    var samples = "samples"
    var rules = "rules"
    /// Run only one part: `json` or `rules`; nil runs everything.
    var only: String?

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
                guard let value = remaining.popFirst(), ["json", "rules"].contains(value) else {
                    throw BenchmarkFailure("--only needs json or rules")
                }
                only = value
            case "--rules":
                guard let value = remaining.popFirst() else { throw BenchmarkFailure("--rules needs a folder") }
                rules = value
            default:
                throw BenchmarkFailure("usage: hookrules-bench [--seconds S] [--samples DIR] [--rules DIR] [--only json|rules]")
            }
        }
    }
}

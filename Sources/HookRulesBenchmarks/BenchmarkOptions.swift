struct BenchmarkOptions {
    var seconds = 1.0
    var samples = "samples"

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
            default:
                throw BenchmarkFailure("usage: hookrules-bench [--seconds S] [--samples DIR]")
            }
        }
    }
}

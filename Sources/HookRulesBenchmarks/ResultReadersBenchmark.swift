import HookCapture
import HookModel
import HookRules
import HookRulesConfig

/// What reading a rule's result straight off the Lua stack saves over reading it into `LuaValue`s first: every
/// bundled capture's rule run on one core, its result read by one reader or the other, the two taking turns in
/// slices; the median slice of each. The rule's own work is in both, so the difference is the readers'.
struct ResultReadersBenchmark {
    let probes: [(name: String, hook: Hook, subscription: Subscription, rule: RuleFile)]
    let seconds: Double
    static let slices = 5

    init(rules: String, samples: String, seconds: Double) throws {
        let folder = try RuleFolder.load(folder: rules)
        var probes: [(String, Hook, Subscription, RuleFile)] = []
        for path in try CaptureListing(under: samples).captures {
            let capture = try CapturedHook(path: path)
            guard let rule = folder.book.rules[capture.integration] else { continue }
            let subscription = try folder.directory.subscription(id: nil, integration: capture.integration)
            probes.append((path, capture.hook(subscription: subscription), subscription, rule))
        }
        self.probes = probes
        self.seconds = seconds
    }

    func run() throws {
        print("\nResult readers: \(probes.count) captures, rule run + result read, one core, \(seconds) s per reader in \(Self.slices) interleaved slices")
        var rates: [ResultReaderProbe.Reader: [Double]] = [:]
        for _ in 0..<Self.slices {
            for reader in ResultReaderProbe.Reader.allCases {
                rates[reader, default: []].append(try hooksPerSecond(reader, seconds: seconds / Double(Self.slices)))
            }
        }
        let typed = median(rates[.typed] ?? [])
        let generic = median(rates[.generic] ?? [])
        print(String(format: "typed reader (off the stack)   %10.0f hooks/s  %6.2f µs/hook", typed, 1e6 / typed))
        print(String(format: "generic reader (LuaValue)      %10.0f hooks/s  %6.2f µs/hook", generic, 1e6 / generic))
        print(String(format: "typed saves %.2f µs per hook (%.0f %% of the generic run)", 1e6 / generic - 1e6 / typed,
            100 * (1 - generic / typed)))
    }

    /// Each capture gets an equal share of the time on a state of its own (states cannot be kept in an array:
    /// they are not copyable).
    private func hooksPerSecond(_ reader: ResultReaderProbe.Reader, seconds: Double) throws -> Double {
        var hooks = 0
        var spent = 0.0
        var checksum = 0
        for probe in probes {
            var state = try ResultReaderProbe(rule: probe.rule, hook: probe.hook, subscription: probe.subscription)
            checksum &+= try state.run(reading: reader)  // warm-up: the module is kept after the first run
            let started = ProcessCPUClock.seconds()
            while ProcessCPUClock.seconds() - started < seconds / Double(probes.count) {
                for _ in 0..<20 { checksum &+= try state.run(reading: reader) }
                hooks += 20
            }
            spent += ProcessCPUClock.seconds() - started
        }
        precondition(checksum >= 0)
        return Double(hooks) / spent
    }

    private func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }
}

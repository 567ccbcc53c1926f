import Dispatch
import Synchronization

/// The process's watchdog over Lua runs: a timer on its own dispatch queue (not the Swift concurrency pool, whose
/// threads a stuck run may hold) that looks at every armed ``RunWatch`` a few times a second. A run still going
/// past its deadline plus ``LuaLimits/watchdogGrace`` is counted and its watch told, once.
public final class LuaWatchdog: Sendable {
    public static let shared = LuaWatchdog()

    /// How often the watchdog looks: it notices an overstaying run this much after its time at most.
    static let tick = Duration.milliseconds(50)

    private let watches = Mutex<[ObjectIdentifier: RunWatch]>([:])
    private let overstayCount = Atomic<Int>(0)
    private let timer: Mutex<DispatchSourceTimer?> = Mutex(nil)

    private init() {}

    /// Runs found still going past their deadline plus grace since the process started.
    public var overstayedRuns: Int { overstayCount.load(ordering: .relaxed) }

    func register(_ watch: RunWatch) {
        watches.withLock { $0[ObjectIdentifier(watch)] = watch }
        startIfNeeded()
    }

    func unregister(_ watch: RunWatch) {
        _ = watches.withLock { $0.removeValue(forKey: ObjectIdentifier(watch)) }
    }

    private func startIfNeeded() {
        timer.withLock { timer in
            guard timer == nil else { return }
            let source = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "hookrules.lua-watchdog"))
            let interval = DispatchTimeInterval.milliseconds(Int(Self.tick.components.attoseconds / 1_000_000_000_000_000))
            source.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(10))
            source.setEventHandler { [self] in inspect() }
            source.resume()
            timer = source
        }
    }

    private func inspect() {
        let now = MonotonicClock.now()
        let overstaying = watches.withLock { $0.values.filter { $0.inspect(now: now) } }
        for watch in overstaying {
            overstayCount.add(1, ordering: .relaxed)
            watch.onOverstay.withLock { $0 }?()
        }
    }
}

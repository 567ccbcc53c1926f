import Synchronization

/// One state's current run as the ``LuaWatchdog`` sees it: when the run must be over by (its deadline plus the
/// watchdog's grace), and whether the watchdog found it still going after that.
///
/// A run that stays within its limits never meets the watchdog: the budget stops it at its deadline. The watchdog is
/// the last line for a path that escaped every bound (a bug in one); it cannot stop such a run, but it notices it, so
/// that the state is never reused, the run is reported failed when it returns, and its pool replaces the state (see
/// ``LuaStatePool``).
final class RunWatch: Sendable {
    /// `CLOCK_MONOTONIC` nanoseconds after which the run has overstayed; 0 while no run is going on.
    private let overstayAt = Atomic<UInt64>(0)
    private let overstayed = Atomic<Bool>(false)
    /// Told (on the watchdog's thread) when the run overstays.
    let onOverstay = Mutex<(@Sendable () -> Void)?>(nil)

    /// Starts watching a run that must be over by `deadline` nanoseconds.
    func arm(overstayAt deadline: UInt64) {
        overstayed.store(false, ordering: .relaxed)
        overstayAt.store(max(deadline, 1), ordering: .releasing)
    }

    /// Stops watching; answers whether the watchdog found the run overstaying.
    func disarm() -> Bool {
        overstayAt.store(0, ordering: .releasing)
        return overstayed.load(ordering: .acquiring)
    }

    /// The watchdog's look at the run at `now`: true the first time it finds the run past its time.
    func inspect(now: UInt64) -> Bool {
        let deadline = overstayAt.load(ordering: .acquiring)
        guard deadline != 0, now > deadline else { return false }
        return !overstayed.exchange(true, ordering: .acquiringAndReleasing)
    }
}

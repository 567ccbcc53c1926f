#if canImport(Glibc)
import Glibc
#endif

/// CPU time used by this process, the clock both sides of every comparison are timed with: the Lua references time
/// themselves with `os.clock()` (the C `clock()`, process CPU time), so HookRules must too. Wall-clock time would
/// also count the time other programs on a shared machine take the core away, on one side only.
enum ProcessCPUClock {
    static func seconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

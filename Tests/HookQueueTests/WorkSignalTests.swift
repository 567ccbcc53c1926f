import HookQueue
import Testing

@Suite("Work signal")
struct WorkSignalTests {
    @Test("waits with zero and tiny timeouts all end, one after another and at once", .timeLimit(.minutes(1)))
    func shortTimeouts() async {
        let signal = WorkSignal()
        // A zero timeout makes the timer race the registration on every wait (the race is narrow: this did not fail
        // on the code before the fix either; the fix is argued in WorkSignal.wake).
        for _ in 0..<2_000 { await signal.wait(timeout: .zero) }
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<50 { group.addTask { await signal.wait(timeout: .milliseconds(1)) } }
        }
    }

    @Test("a signal wakes every waiter", .timeLimit(.minutes(1)))
    func signalWakesAll() async {
        let signal = WorkSignal()
        let waiters = (0..<5).map { _ in Task { await signal.wait(timeout: .seconds(3600)) } }
        // A signal before a waiter registers does not reach it, so keep signalling until all have woken; a signal
        // that woke no one would leave this test to its time limit.
        let signalling = Task {
            while !Task.isCancelled {
                signal.signal()
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
        for waiter in waiters { await waiter.value }
        signalling.cancel()
    }
}

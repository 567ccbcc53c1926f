import Foundation
import HookQueue
import Synchronization
import Testing

@Suite("Queue health: an outage is told once, with reminders, and ends with a call made during it")
struct QueueHealthTests {
    final class Changes: Sendable {
        let all = Mutex<[QueueHealth.Change]>([])
    }

    @Test("failed calls start one outage; reminders come at doubling intervals; a later success ends it")
    func outageAndReminders() {
        let changes = Changes()
        let health = QueueHealth { change in changes.all.withLock { $0.append(change) } }
        let start = ContinuousClock.now
        health.recordOutage("down", now: start)
        health.recordOutage("down", now: start + .seconds(30))
        health.recordOutage("still down", now: start + .seconds(61))
        health.recordOutage("still down", now: start + .seconds(90))
        health.recordOutage("still down", now: start + .seconds(125))
        #expect(!health.isAvailable && health.outageDuration(now: start + .seconds(125)) == .seconds(125))
        health.recordSuccess(callStarted: start + .seconds(126), now: start + .seconds(127))
        #expect(health.isAvailable)
        #expect(changes.all.withLock { $0 } == [
            .lost(reason: "down"), .stillLost(for: .seconds(61), reason: "still down"),
            .stillLost(for: .seconds(125), reason: "still down"), .restored(after: .seconds(127), failedCalls: 5),
        ])
    }

    @Test("a call made before the outage began does not end it when its answer arrives after the first failure")
    func answerFromBeforeTheOutage() {
        let changes = Changes()
        let health = QueueHealth { change in changes.all.withLock { $0.append(change) } }
        let start = ContinuousClock.now
        let earlyCall = start - .milliseconds(5)
        health.recordOutage("down", now: start)
        health.recordSuccess(callStarted: earlyCall, now: start + .milliseconds(1))
        #expect(!health.isAvailable, "the early call's answer says nothing of the database now")
        health.recordOutage("down", now: start + .milliseconds(2))
        health.recordSuccess(callStarted: start + .seconds(1), now: start + .seconds(1))
        #expect(changes.all.withLock { $0 } == [.lost(reason: "down"), .restored(after: .seconds(1), failedCalls: 2)])
    }
}

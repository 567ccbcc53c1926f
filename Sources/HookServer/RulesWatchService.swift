import Foundation
import HookRulesConfig
import ServiceLifecycle
import UnixSignals

/// Reloads the rules and subscriptions when a file changes (checked every `interval`) or on SIGHUP. A change that
/// does not load leaves the running rules serving; it is logged, counted and shown by `/readyz` until a later
/// change loads. Hooks in flight finish on the rules they started with (the engine's generations).
public struct RulesWatchService: Service {
    let watcher: RuleWatcher
    let interval: Duration
    /// What the running rules were loaded from: a change made since, even before this service started, reloads.
    let baseline: [String: Data]?
    let onEvent: @Sendable (RuleWatcher.Event) -> Void

    package init(
        watcher: RuleWatcher, interval: Duration = .seconds(1), baseline: [String: Data]? = nil,
        onEvent: @escaping @Sendable (RuleWatcher.Event) -> Void
    ) {
        self.watcher = watcher
        self.interval = interval
        self.baseline = baseline
        self.onEvent = onEvent
    }

    public func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        try? await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await watcher.run(interval: interval, baseline: baseline, report: onEvent) }
                group.addTask {
                    for await _ in hangups { onEvent(watcher.reload()) }
                }
                await group.next()
                group.cancelAll()
            }
        }
    }
}

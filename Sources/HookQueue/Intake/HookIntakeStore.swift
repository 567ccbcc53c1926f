import Foundation

/// The queue database's side of the intake server: received hooks' requests, delivery ids and kept hooks, written
/// together. Every queue backend implements it, so a hook's 2xx always means its requests are durable in the same
/// database the workers drain, whichever that is, and several servers on one database share dedup and kept hooks.
public protocol HookIntakeStore: Sendable {
    /// Commits `records` in one durable transaction, in order: for each, its delivery id is recorded (a record whose
    /// delivery was recorded within `deliveryWindow` before is a duplicate: nothing of it is written), its requests
    /// are enqueued (merged into equal pending ones as ``TransferQueue/enqueue(_:checkpoint:)`` does) and its kept
    /// hook stored. Returns one result per record; on a throw nothing was committed.
    func commit(_ records: [IntakeRecord], deliveryWindow: Duration) async throws -> [IntakeResult]

    /// Stores a rejected hook (not acknowledged), then drops the oldest rejected hooks beyond `limits`.
    func keepRejected(_ hook: KeptHook, limits: KeptHookLimits) async throws

    /// Kept hooks of one disposition (all when nil), newest first, at most `limit`.
    func keptHooks(_ disposition: KeptHook.Disposition?, limit: Int) async throws -> [KeptHook]

    /// One kept hook by id.
    func keptHook(id: String) async throws -> KeptHook?

    /// Removes kept hooks by id (a replayed hook that now resolves). Returns how many were removed.
    @discardableResult
    func removeKeptHooks(ids: [String]) async throws -> Int

    /// Forgets delivery ids recorded before `date`; they no longer make later deliveries duplicates.
    @discardableResult
    func forgetDeliveries(before date: Date) async throws -> Int
}

/// How many rejected hooks are kept, and for how long: rejections are attacker-controlled, so they are capped.
public struct KeptHookLimits: Sendable, Hashable {
    public var maxRejected: Int
    public var maxAge: Duration

    public init(maxRejected: Int = 10_000, maxAge: Duration = .seconds(7 * 24 * 3600)) {
        self.maxRejected = maxRejected
        self.maxAge = maxAge
    }
}

import Synchronization

/// An operation that was still running when its deadline passed; it has been cancelled.
public struct DeadlineExceeded: Error, Sendable, Hashable, CustomStringConvertible {
    /// What ran out of time, for messages ("no answer from the queue within 30 s").
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// Runs `operation` and returns its result, or throws `DeadlineExceeded(message)` once `deadline` passes; the
/// calling task's cancellation ends the wait at once too (throwing `CancellationError`). Either way the operation is
/// cancelled.
///
/// The operation runs in a task of its own and is never awaited past the deadline: one that ignores cancellation (a
/// query on a connection whose server vanished without closing it, a pool waiting for a connection it cannot open)
/// runs on unobserved and its result is dropped, so the caller never hangs. Structured concurrency (a task group)
/// would wait for it. The operation must therefore not rely on the caller's task-local values.
public func withDeadline<T: Sendable>(
    _ deadline: ContinuousClock.Instant, _ message: @autoclosure () -> String,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let race = DeadlineRace<T>()
    let work = Task {
        let result: Result<T, any Error>
        do {
            result = .success(try await operation())
        } catch {
            result = .failure(error)
        }
        race.finish(result)
    }
    let exceeded = DeadlineExceeded(message())
    let timer = Task {
        guard (try? await Task.sleep(until: deadline, clock: .continuous)) != nil else { return }
        race.finish(.failure(exceeded))
    }
    defer {
        work.cancel()
        timer.cancel()
    }
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in race.wait(continuation) }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

/// The first of the operation's result, the deadline and the caller's cancellation wins; the others are dropped.
private final class DeadlineRace<T: Sendable>: Sendable {
    private enum State {
        case running
        case waiting(CheckedContinuation<T, any Error>)
        case finished(Result<T, any Error>)
        case delivered
    }

    private let state = Mutex(State.running)

    func wait(_ continuation: CheckedContinuation<T, any Error>) {
        let result: Result<T, any Error>? = state.withLock { state in
            switch state {
            case .running:
                state = .waiting(continuation)
                return nil
            case let .finished(result):
                state = .delivered
                return result
            case .waiting, .delivered:
                preconditionFailure("a deadline race is waited for once")
            }
        }
        if let result { continuation.resume(with: result) }
    }

    func finish(_ result: Result<T, any Error>) {
        let waiting: CheckedContinuation<T, any Error>? = state.withLock { state in
            switch state {
            case .running:
                state = .finished(result)
                return nil
            case let .waiting(continuation):
                state = .delivered
                return continuation
            case .finished, .delivered:
                return nil
            }
        }
        waiting?.resume(with: result)
    }
}

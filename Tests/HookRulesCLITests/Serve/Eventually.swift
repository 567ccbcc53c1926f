import Testing

/// Polls `condition` until it holds, for at most 10 s.
func eventually(_ what: Comment? = nil, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(10)
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(25))
    }
    Issue.record(what ?? "the condition never held within 10 s")
}

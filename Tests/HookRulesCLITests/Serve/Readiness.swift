import Foundation

/// `/readyz` of a running server, read and waited on.
struct Readiness {
    struct State {
        let status: Int
        let text: String
        /// The rules' generation: `rules: generation N, ...`.
        var generation: Int {
            guard let range = text.range(of: #"generation [0-9]+"#, options: .regularExpression) else { return -1 }
            return Int(text[range].dropFirst("generation ".count)) ?? -1
        }
    }

    let client: ServeClient
    let port: Int

    func state() async throws -> State {
        let answer = try await client.get("http://127.0.0.1:\(port)/readyz")
        return State(status: answer.status, text: answer.body)
    }

    func generation() async throws -> Int { try await state().generation }

    /// Polls until `condition` holds; the state it held in.
    @discardableResult
    func waitFor(_ what: String, timeout: Duration = .seconds(20), _ condition: (State) -> Bool) async throws -> State {
        let deadline = ContinuousClock.now + timeout
        var last: State?
        while ContinuousClock.now < deadline {
            let state = try await state()
            if condition(state) { return state }
            last = state
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ServeProcessError("timed out waiting for \(what); /readyz said:\n\(last?.text ?? "")")
    }
}

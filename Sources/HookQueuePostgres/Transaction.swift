import PostgresNIO

/// One transaction on a leased connection.
///
/// Not postgres-nio's `withTransaction`: that wraps the body's error in a `PostgresTransactionError`, which would hide
/// the queue's own errors (``HookQueue/TransferQueueError/leaseLost(id:attempt:)``) from callers.
enum Transaction {
    /// Runs `body` between `BEGIN` and `COMMIT`; when it throws, rolls back and rethrows its error as it is.
    static func run<T>(on connection: PostgresConnection, _ body: () async throws -> T) async throws -> T {
        try await connection.run("BEGIN")
        let result: T
        do {
            result = try await body()
        } catch {
            do {
                try await connection.run("ROLLBACK")
            } catch {
                // A connection that cannot roll back must not go back to the pool still inside the transaction.
                try? await connection.close()
            }
            throw error
        }
        try await connection.run("COMMIT")
        return result
    }
}

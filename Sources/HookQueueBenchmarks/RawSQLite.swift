import GRDBSQLite

/// The SQLite C API with nothing on top, for the reference runs: one connection, prepared statements, errors as
/// thrown messages. Not shared between threads.
final class RawConnection {
    private var handle: OpaquePointer?

    /// Opens `path` in WAL mode with `synchronous = FULL` and a busy timeout, as the queue opens its file.
    init(path: String) throws {
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
            == SQLITE_OK
        else {
            defer { sqlite3_close_v2(handle) }
            throw QueueBenchmarkFailure("cannot open \(path): \(String(cString: sqlite3_errmsg(handle)))")
        }
        sqlite3_busy_timeout(handle, 10_000)
        try execute("PRAGMA journal_mode = WAL")
        try execute("PRAGMA synchronous = FULL")
    }

    deinit { sqlite3_close_v2(handle) }

    func execute(_ sql: String) throws {
        try check(sqlite3_exec(handle, sql, nil, nil, nil), sql)
    }

    func prepare(_ sql: String) throws -> RawStatement {
        var statement: OpaquePointer?
        try check(sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil), sql)
        return RawStatement(statement, connection: self)
    }

    func check(_ code: Int32, _ context: String) throws {
        guard code == SQLITE_OK || code == SQLITE_DONE || code == SQLITE_ROW else {
            throw QueueBenchmarkFailure("\(context): \(String(cString: sqlite3_errmsg(handle)))")
        }
    }
}

/// One prepared statement of a ``RawConnection``; bind, step, reset.
final class RawStatement {
    private let statement: OpaquePointer?
    private let connection: RawConnection

    init(_ statement: OpaquePointer?, connection: RawConnection) {
        self.statement = statement
        self.connection = connection
    }

    deinit { sqlite3_finalize(statement) }

    func bind(_ index: Int32, _ value: String?) {
        guard let value else { sqlite3_bind_null(statement, index); return }
        // SQLITE_TRANSIENT: SQLite copies the bytes before the Swift string's buffer goes away.
        sqlite3_bind_text(statement, index, value, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
    }

    func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(statement, index, value)
    }

    func bind(_ index: Int32, _ value: Bool) {
        sqlite3_bind_int64(statement, index, value ? 1 : 0)
    }

    /// Steps once; true while there is a row.
    func step() throws -> Bool {
        let code = sqlite3_step(statement)
        try connection.check(code, String(cString: sqlite3_sql(statement)))
        return code == SQLITE_ROW
    }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

    /// The column's text, nil when it is NULL.
    func text(_ column: Int32) -> String? {
        guard let bytes = sqlite3_column_text(statement, column) else { return nil }
        return String(cString: bytes)
    }

    func reset() {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
    }
}

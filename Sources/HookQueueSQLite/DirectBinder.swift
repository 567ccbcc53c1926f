import GRDB
import GRDBSQLite
import HookQueue

/// Binds a statement's parameters straight through the SQLite C API, in order from the first.
///
/// The enqueue hot path binds 15 values per request; going through `StatementArguments` boxes each in an
/// existential and converts it to a `DatabaseValue` first, which costs more than SQLite's own work for the row.
/// ``prepare(_:)`` hands GRDB an empty, unchecked argument list (so it resets without re-binding when the
/// statement runs) and then binds the real values itself.
struct DirectBinder {
    private let statement: SQLiteStatement
    private var index: Int32 = 1

    /// Resets `statement`, clears its bindings and starts binding at parameter 1.
    static func prepare(_ statement: Statement) -> DirectBinder {
        statement.setUncheckedArguments(StatementArguments())
        return DirectBinder(statement: statement.sqliteStatement)
    }

    private init(statement: SQLiteStatement) {
        self.statement = statement
    }

    /// True once every parameter of the statement is bound.
    var isComplete: Bool { index - 1 == sqlite3_bind_parameter_count(statement) }

    mutating func bind(_ value: String?) {
        guard let value else { return bindNull() }
        // SQLITE_TRANSIENT: SQLite copies the text before the closure's pointer goes away.
        check(value.withCString { sqlite3_bind_text(statement, index, $0, -1, Self.transient) })
    }

    mutating func bind(_ value: Int64) {
        check(sqlite3_bind_int64(statement, index, value))
    }

    mutating func bind(_ value: Bool) {
        check(sqlite3_bind_int64(statement, index, value ? 1 : 0))
    }

    private mutating func bindNull() {
        check(sqlite3_bind_null(statement, index))
    }

    private mutating func check(_ code: Int32) {
        // Binding only fails on a wrong index or out of memory: a bug here, not a condition to handle.
        precondition(code == SQLITE_OK, "sqlite3_bind failed with code \(code) at parameter \(index)")
        index += 1
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}

extension DirectBinder: RequestColumnWriter {
    package mutating func write(_ text: String?) { bind(text) }
    package mutating func write(_ flag: Bool) { bind(flag) }
}

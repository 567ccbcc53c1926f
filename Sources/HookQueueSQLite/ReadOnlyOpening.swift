import Foundation
import GRDB

/// Opens a queue file to read only, also where nothing may be written beside it.
///
/// A WAL database is read through its shared-memory index (`-shm`), which a reader creates when it is missing, so
/// a read-only folder or file system refuses a plain read-only open once the last writer has gone and taken the
/// `-wal` and `-shm` files with it. The file is then opened `immutable`: SQLite reads it without locks or the index.
/// That is right only because no `-wal` file exists: with none, every commit is in the database file itself, and
/// nothing can write beside it without making one.
enum ReadOnlyOpening {
    static func open(_ path: String) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.readonly = true
        // A worker may be writing: wait for its lock as writers do.
        configuration.busyMode = .timeout(10)
        do {
            return try readable(DatabasePool(path: path, configuration: configuration))
        } catch let error as DatabaseError where FileManager.default.fileExists(atPath: path + "-wal") == false
            && [.SQLITE_CANTOPEN, .SQLITE_READONLY].contains(error.resultCode.primaryResultCode)
        {
            return try readable(DatabasePool(path: immutableURI(path), configuration: configuration))
        }
    }

    /// The pool, once a first read went through (opening alone does not touch the WAL index).
    private static func readable(_ pool: DatabasePool) throws -> DatabasePool {
        _ = try pool.read { db in try Int.fetchOne(db, sql: "PRAGMA schema_version") }
        return pool
    }

    /// `file:PATH?immutable=1`, the path percent-encoded as SQLite's URI filenames require.
    static func immutableURI(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        let encoded = path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
        return "file:\(encoded)?immutable=1"
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Serialises opening a queue file (its check, the switch to WAL, the schema migrations) between handles and
/// processes opening it at once.
///
/// GRDB's migrator reads which migrations are applied before its migration's own transaction begins, and only
/// serialises writers inside one process, so two processes starting together can both decide to run a migration
/// and the second fails (`table ... already exists`). An exclusive `flock` on a file beside the database, held
/// across the whole opening, makes the second process wait and then find it applied. (PostgreSQL does the same
/// with an advisory lock.)
enum MigrationLock {
    static let fileName = "queue.sqlite-migrate-lock"

    static func holding<T>(in folder: URL, _ body: () throws -> T) throws -> T {
        let path = folder.appendingPathComponent(fileName).path
        let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSUnderlyingErrorKey: POSIXError(.init(rawValue: errno) ?? .EIO)])
        }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw CocoaError(.fileLocking, userInfo: [NSFilePathErrorKey: path])
            }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }
}

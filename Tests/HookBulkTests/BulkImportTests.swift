import Foundation
import HookBulk
import HookQueue
import HookQueueSQLite
import HookModel
import Testing

@Suite("Bulk import")
struct BulkImportTests {
    static let subscription = Subscription(id: "shop-1", integration: "shopify")
    static let catalog = ScopeCatalog([Scope("product/updated")!, Scope("customer/created")!])

    static func settings(scope: String? = "product/updated") -> BulkImportSettings {
        BulkImportSettings(
            subscription: subscription, catalog: catalog, catalogSource: "rules/shopify.lua", direction: .to,
            defaultScope: scope.flatMap(Scope.init)
        )
    }

    @Test("rows report the line they start on, across quoted line breaks (LF, CRLF, lone CR) and blank lines")
    func lineNumbers() throws {
        let file = try Scratch.write("id,note\n1,\"a\nb\"\n2,\"c\r\nd\re\"\n\n3,x\n")
        let validation = try BulkImport(file: file, settings: Self.settings()).validate()
        #expect(validation.rows == 3 && validation.validRows == 3)
        var hookIds: [String?] = []
        try BulkImport(file: file, settings: Self.settings()).forEachRequest { hookIds.append($0.hookId) }
        #expect(hookIds == ["\(file):2", "\(file):4", "\(file):8"])
        var limited = 0
        try BulkImport(file: file, settings: Self.settings()).forEachRequest(limit: 2) { _ in limited += 1 }
        #expect(limited == 2)
    }

    @Test("the header needs an id column, and a scope column unless a default scope is given")
    func header() throws {
        let noId = try Scratch.write("sku,scope\n1,product/updated\n")
        #expect(throws: BulkFileError(file: noId, message: "line 1: no id column (the header has: sku, scope)")) {
            try BulkImport(file: noId, settings: Self.settings()).validate()
        }
        let noScope = try Scratch.write("ID\n1\n")
        #expect(throws: BulkFileError(file: noScope, message: "line 1: no scope column; add one or pass --scope")) {
            try BulkImport(file: noScope, settings: Self.settings(scope: nil)).validate()
        }
        #expect(throws: BulkFileError(file: "/nonexistent.csv", message: "cannot read the file")) {
            try BulkImport(file: "/nonexistent.csv", settings: Self.settings()).validate()
        }
    }

    @Test("a file that is not UTF-8 is refused with the line where reading stopped")
    func notUTF8() throws {
        let file = try Scratch.write(Data("id\n1\n".utf8) + Data([0xFF, 0xFE, 0x41, 0x0A]))
        #expect(throws: BulkFileError.self) { try BulkImport(file: file, settings: Self.settings()).validate() }
        do {
            _ = try BulkImport(file: file, settings: Self.settings()).validate()
        } catch {
            #expect(error.description.contains(":3: ") && error.description.contains("not UTF-8"), "\(error)")
        }
    }

    @Test("ids with surrounding spaces are refused rather than trimmed: an id is exact")
    func spacedIds() throws {
        let file = try Scratch.write("id\n 12\n")
        let validation = try BulkImport(file: file, settings: Self.settings()).validate()
        #expect(validation.problems == [BulkRowProblem(file: file, line: 2, field: "id", message: #"the id " 12" has leading or trailing spaces"#)])
    }

    @Test("enqueue commits batches with the checkpoint; an import whose rows are all done enqueues nothing")
    func checkpointedBatches() async throws {
        let file = try Scratch.write("id,scope\n" + (1...25).map { "\($0),\($0 % 5 == 0 ? "customer/created" : "")" }.joined(separator: "\n"))
        var settings = Self.settings()
        settings.batchSize = 10
        let bulk = BulkImport(file: file, settings: settings)
        let validation = try bulk.validate()
        let folder = try Scratch.folder()
        let queue = try SQLiteTransferQueue(folder: folder)

        var seen: [BulkProgress] = []
        let result = try await bulk.enqueue(validation, into: queue) { seen.append($0) }
        #expect(seen.map(\.rowsDone) == [10, 20, 25])
        #expect(result.requestsThisRun == 25 && result.finished && result.resumedAfter == 0)
        #expect(try await queue.checkpoint(forImport: validation.key) == ImportCheckpoint(key: validation.key, rowsDone: 25, requestsEnqueued: 25))
        let stats = try await queue.stats()
        #expect(stats.byScope[Scope("customer/created")!]?.pending == 5 && stats.total.pending == 25)

        let again = try await bulk.enqueue(validation, into: queue)
        #expect(again.rowsThisRun == 0 && again.finished)
        try await queue.close()
    }

    @Test("a rate sends a tenth of a second's worth of rows per batch, so a slow rate trickles")
    func rate() async throws {
        let file = try Scratch.write("id\n" + (1...20).map(String.init).joined(separator: "\n"))
        var settings = Self.settings()
        settings.rowsPerSecond = 100
        let bulk = BulkImport(file: file, settings: settings)
        let folder = try Scratch.folder()
        let queue = try SQLiteTransferQueue(folder: folder)
        var batches: [Int] = []
        _ = try await bulk.enqueue(try bulk.validate(), into: queue) { batches.append($0.rowsThisRun) }
        // 100 rows/s → batches of 10 (a tenth of a second's worth), the second one held back ~0.1 s.
        #expect(batches == [10, 20])
        try await queue.close()
    }
}

/// Files and folders for one test, in the temporary folder.
enum Scratch {
    static func write(_ text: String) throws -> String {
        try write(Data(text.utf8))
    }

    static func write(_ data: Data) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bulk-\(UUID().uuidString).csv")
        try data.write(to: url)
        return url.path
    }

    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bulk-queue-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

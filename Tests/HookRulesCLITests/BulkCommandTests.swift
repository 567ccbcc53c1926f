import Foundation
import HookQueue
import HookQueueSQLite
import Testing

@Suite("hookrules bulk, run as a process")
struct BulkCommandTests {
    /// RFC 4180 in full: a UTF-8 BOM, CRLF line ends, a quoted comma, a quoted line break, a doubled quote, an
    /// extra column, a blank line, ids a number type would mangle, and an empty scope cell filled by --scope.
    static let rfc4180 = "\u{FEFF}id,Scope,note\r\n"
        + "1001,product/updated,\"Shoe, red\"\r\n"
        + "1002,,\"two\r\nlines\"\r\n"
        + "\r\n"
        + "00123,product/created,\"say \"\"hi\"\"\"\r\n"
        + "18446744073709551617,,last\r\n"

    @Test("a dry run prints one request per row, ids exact, each tagged with its file and line; nothing is enqueued")
    func dryRun() throws {
        let folder = try TemporaryFolder()
        let csv = try folder.write("products.csv", Self.rfc4180)
        let output = try CommandRunner.run([
            "bulk", csv, "--subscription", "demo-shopify", "--direction", "to", "--scope", "product/updated",
            "--dry-run", "--queue", folder.path("queue"),
        ])
        #expect(output.status == 0, "\(output.stderr)")
        let lines = output.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[0].contains(#""externalId":"1001","hookId":"\#(csv):2""#), "\(lines[0])")
        #expect(lines[1].contains(#""externalId":"1002","hookId":"\#(csv):3""#))
        #expect(lines[2].contains(#""externalId":"00123","hookId":"\#(csv):6""#) && lines[2].contains(#""scope":"product/created""#))
        #expect(lines[3].contains(#""externalId":"18446744073709551617","hookId":"\#(csv):7""#))
        #expect(output.stderr.contains("dry run: 4 request(s) from 4 row(s) would be enqueued"))
        #expect(!FileManager.default.fileExists(atPath: folder.path("queue")))
    }

    @Test("bad rows fail the run with file, line and field before anything is enqueued; --skip-invalid enqueues the rest")
    func badRows() async throws {
        let folder = try TemporaryFolder()
        let csv = try folder.write("mixed.csv", """
            id,scope
            1,product/updated
            2,order/created
            ,product/updated
            3,product/archived
            4
            5,customer/created

            """)
        let arguments = ["bulk", csv, "--subscription", "demo-shopify", "--direction", "from", "--queue", folder.path("queue")]
        let refused = try CommandRunner.run(arguments)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("\(csv):3: field scope: order/created is not in the catalog of rules/shopify.lua"), "\(refused.stderr)")
        #expect(refused.stderr.contains("\(csv):4: field id: the id is empty"))
        #expect(refused.stderr.contains(#"\#(csv):5: field scope: "product/archived" is not a scope"#))
        #expect(refused.stderr.contains("\(csv):6: expected 2 fields as in the header, found 1"))
        #expect(refused.stderr.contains("4 of 6 row(s) invalid: nothing enqueued"))
        #expect(!FileManager.default.fileExists(atPath: folder.path("queue")))

        let skipped = try CommandRunner.run(arguments + ["--skip-invalid"])
        #expect(skipped.status == 0, "\(skipped.stderr)")
        #expect(skipped.stderr.contains("enqueued 2 request(s) from 6 row(s)") && skipped.stderr.contains("4 invalid row(s) skipped"))
        let pending = try await folder.queueEntries()
        #expect(pending.map(\.request.externalId) == ["1", "5"])
        #expect(pending.allSatisfy { $0.request.direction == .from && $0.request.subscription == "demo-shopify" })
    }

    @Test("broken quoting fails the run with its line instead of merging rows; --skip-invalid skips only that row")
    func brokenQuoting() async throws {
        let folder = try TemporaryFolder()
        let csv = try folder.write("quotes.csv", "id,scope\n\"1001\"x,product/updated\n1002,product/updated\n\"1003,product/updated\n1004,product/updated\n")
        let arguments = ["bulk", csv, "--subscription", "demo-shopify", "--direction", "to", "--queue", folder.path("queue")]
        let refused = try CommandRunner.run(arguments)
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("\(csv):2: field 1 has text after its closing quote"), "\(refused.stderr)")
        #expect(refused.stderr.contains("\(csv):4: field 1 opens a quote that is never closed"))
        #expect(refused.stderr.contains("2 of 4 row(s) invalid: nothing enqueued"))
        #expect(!FileManager.default.fileExists(atPath: folder.path("queue")))

        let skipped = try CommandRunner.run(arguments + ["--skip-invalid"])
        #expect(skipped.status == 0, "\(skipped.stderr)")
        #expect(skipped.stderr.contains("enqueued 2 request(s) from 4 row(s)") && skipped.stderr.contains("2 invalid row(s) skipped"))
        #expect(try await folder.queueEntries().map(\.request.externalId) == ["1002", "1004"])
    }

    @Test("duplicate header names fail the run at line 1, even with --skip-invalid")
    func duplicateHeader() throws {
        let folder = try TemporaryFolder()
        let csv = try folder.write("twice.csv", "id,ID\n1,2\n")
        let run = try CommandRunner.run([
            "bulk", csv, "--subscription", "demo-shopify", "--direction", "to", "--scope", "product/updated",
            "--skip-invalid", "--queue", folder.path("queue"),
        ])
        #expect(run.status == 1)
        #expect(run.stderr.contains("\(csv): line 1: columns 1 and 2 are both named \"id\""), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("queue")))
    }

    @Test("a --limit test batch first, then the rest; a third run enqueues nothing; --restart enqueues again")
    func limitThenResume() async throws {
        let folder = try TemporaryFolder()
        let csv = try folder.write("ids.csv", "id\n" + (1...10).map(String.init).joined(separator: "\n") + "\n")
        let arguments = [
            "bulk", csv, "--subscription", "demo-hubspot", "--direction", "to", "--scope", "company/updated",
            "--queue", folder.path("queue"),
        ]
        let test = try CommandRunner.run(arguments + ["--limit", "3", "--debug"])
        #expect(test.status == 0, "\(test.stderr)")
        #expect(test.stderr.contains("enqueued 3 request(s) from 3 row(s)") && test.stderr.contains("7 row(s) left"))
        let rest = try CommandRunner.run(arguments)
        #expect(rest.stderr.contains("enqueued 7 request(s) from 7 row(s)") && rest.stderr.contains("resuming after row 3"))
        let again = try CommandRunner.run(arguments)
        #expect(again.status == 0 && again.stderr.contains("every row of \(csv) was already enqueued"))

        let entries = try await folder.queueEntries()
        #expect(entries.map(\.request.externalId) == (1...10).map(String.init))  // the debug test batch first
        #expect(entries.map(\.request.debug) == Array(repeating: true, count: 3) + Array(repeating: false, count: 7))
        #expect(entries.allSatisfy { $0.coalesced == 0 })

        let restarted = try CommandRunner.run(arguments + ["--restart"])
        #expect(restarted.stderr.contains("enqueued 10 request(s) from 10 row(s)"))
        #expect(try await folder.queueEntries().map(\.coalesced) == Array(repeating: 1, count: 10))
    }

    @Test("killed mid-run and run again, every row is enqueued exactly once", .timeLimit(.minutes(5)))
    func interruptedRun() async throws {
        let folder = try TemporaryFolder()
        let rows = 30_000
        let csv = try folder.write("many.csv", "id\n" + (1...rows).map { "\(9_007_199_254_740_992 + $0)" }.joined(separator: "\n"))
        let arguments = [
            "bulk", csv, "--subscription", "demo-hubspot", "--direction", "to", "--scope", "customer/updated",
            "--batch-size", "50", "--queue", folder.path("queue"),
        ]
        var kills = 0
        for _ in 0..<3 {
            // The rate makes a whole run last 30 s, so the killer catches it mid-way even when this test's own polls
            // wait seconds for a thread on a machine busy with the other tests.
            let process = try CommandRunner.start(arguments + ["--rate", "1000/s"])
            // Let it commit some batches, then kill it without warning.
            while process.isRunning, try await folder.pendingCount() < (kills + 1) * 1_000 {
                try await Task.sleep(for: .milliseconds(20))
            }
            guard process.isRunning else { break }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            kills += 1
        }
        #expect(kills > 0, "the run finished before it could be interrupted")
        let finished = try CommandRunner.run(arguments)
        #expect(finished.status == 0, "\(finished.stderr)")

        let entries = try await folder.queueEntries(limit: rows + 1)
        #expect(entries.count == rows)
        #expect(Set(entries.map(\.request.externalId)).count == rows)
        #expect(entries.allSatisfy { $0.coalesced == 0 }, "a row was enqueued twice")
    }
}

/// A temporary folder for one test's files and queue, removed when the test ends.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("hookrules-bulk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func write(_ name: String, _ text: String) throws -> String {
        try Data(text.utf8).write(to: url.appendingPathComponent(name))
        return path(name)
    }

    /// The pending requests of the queue in `queue/`, in claim order.
    func queueEntries(limit: Int = 1_000) async throws -> [QueueEntry] {
        try await withQueue { try await $0.list(state: .pending, limit: limit) }
    }

    /// How many requests are pending in `queue/` (0 before the queue exists), read as an observer does: opened to
    /// read only, so polling takes no lock a running `bulk` needs. A file the running process has created but not yet
    /// migrated has nothing pending either.
    func pendingCount() async throws -> Int {
        do {
            return try await withQueue(readOnly: true) { try await $0.stats().total.pending }
        } catch SQLiteQueueError.missing, SQLiteQueueError.unknownSchema {
            return 0
        }
    }

    private func withQueue<T>(readOnly: Bool = false, _ body: (SQLiteTransferQueue) async throws -> T) async throws -> T {
        let folder = url.appendingPathComponent("queue")
        let queue = try readOnly ? SQLiteTransferQueue(readingFolder: folder) : SQLiteTransferQueue(folder: folder)
        do {
            let result = try await body(queue)
            try await queue.close()
            return result
        } catch {
            try? await queue.close()
            throw error
        }
    }
}

import Foundation
import Testing

@Suite("hookrules replay, run as a process")
struct ReplayCommandTests {
    @Test("replays every bundled sample into transfer requests, ids exact, ignores explained on stderr")
    func bundledSamples() throws {
        let output = try CommandRunner.run(["replay", "samples/"])
        #expect(output.status == 0, "\(output.stderr)")
        let lines = output.stdout.split(separator: "\n")
        #expect(lines.count == 19)  // 29 captures, 10 ignored (deletes off, pushes, app lifecycle)
        #expect(output.stdout.contains(
            #"{"action":"updated","childRequest":false,"deleteTriggered":false,"direction":"to","externalId":"4001234671","hookId":"samples/hubspot/company.merge.json","integration":"hubspot","mappingCollectionType":"company","scope":"company/updated","subscription":"hubspot"}"#))
        #expect(output.stdout.contains(#""externalId":"788032119674292900""#))
        #expect(output.stderr.contains("samples/shopify/app.uninstalled.json: record 1 ignored: app lifecycle events are not synced"))
        #expect(output.stderr.contains("deal/deleted 4658499849: delete hooks are off"))
    }

    @Test("a broken capture is reported with its reason, the others still run, and the exit status is 1")
    func brokenCapture() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString)")
        let shopify = folder.appendingPathComponent("shopify")
        try FileManager.default.createDirectory(at: shopify, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(#"{"id": 1,}"#.utf8).write(to: shopify.appendingPathComponent("bad.json"))
        try Data(#"{"id": 820982911946154508}"#.utf8).write(to: shopify.appendingPathComponent("good.json"))
        try Data(#"{"X-Shopify-Topic": "products/update"}"#.utf8).write(to: shopify.appendingPathComponent("good.headers.json"))

        let rules = CommandRunner.repository.appendingPathComponent("rules").path
        let output = try CommandRunner.run(["replay", "--rules", rules, folder.path])
        #expect(output.status == 1)
        #expect(output.stderr.contains("bad.json: argument 1.body: invalid JSON at byte 9"), "\(output.stderr)")
        #expect(output.stdout.contains(#""externalId":"820982911946154508""#), "\(output.stdout)")
    }

    @Test("usage errors exit with 64")
    func usageError() throws {
        let output = try CommandRunner.run(["replay"])
        #expect(output.status == 64)
    }
}

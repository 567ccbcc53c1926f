import Foundation
import Testing

@Suite("hookrules replay, run as a process")
struct ReplayCommandTests {
    @Test("replays every bundled sample for its demo subscription: ids exact, ignores explained on stderr")
    func bundledSamples() throws {
        let output = try CommandRunner.run(["replay", "samples/"])
        #expect(output.status == 0, "\(output.stderr)")
        let lines = output.stdout.split(separator: "\n")
        #expect(lines.count == 102)  // 149 captures, 152 records; 50 ignored (unsynced topics, deletes off, presets, ...)
        #expect(output.stdout.contains(
            #"{"action":"updated","childRequest":false,"deleteTriggered":false,"direction":"to","externalId":"4001234671","hookId":"samples/hubspot/company.merge.json","integration":"hubspot","mappingCollectionType":"company","scope":"company/updated","subscription":"demo-hubspot"}"#))
        #expect(output.stdout.contains(#""externalId":"788032119674292900""#))
        #expect(output.stdout.contains(
            #""externalId":"9007199254740993","hookId":"samples/dealerdesk/message.created.json","integration":"dealerdesk","mappingCollectionType":"transaction","parent":{"externalId":"Deal:9007199254740993","kind":"message/created"}"#))
        #expect(output.stderr.contains("samples/shopify/app.uninstalled.json: record 1 ignored: app lifecycle events are not synced"))
        #expect(output.stderr.contains("issue/deleted 444500041: delete hooks are off for subscription demo-github"))
        #expect(output.stderr.contains("hookrules: skipped samples/SOURCES.md: Markdown notes, not a capture"))
    }

    @Test("malformed captures each get a clear message; the other files still run; exit status 1")
    func malformedCaptures() throws {
        let copy = try ScratchCopy()
        defer { copy.remove() }
        try copy.write("captures/shopify/bad.json", #"{"id": 1,}"#)
        try copy.write("captures/shopify/good.json", #"{"id": 820982911946154508}"#)
        try copy.write("captures/shopify/good.headers.json", #"{"X-Shopify-Topic": "products/update"}"#)
        try copy.write("captures/shopify/no-sidecar.json", #"{"id": 5}"#)
        try copy.write("captures/magento/order.json", #"{"id": 5}"#)
        try FileManager.default.createSymbolicLink(
            atPath: copy.root.appendingPathComponent("captures/shopify/unreadable.json").path,
            withDestinationPath: "/nonexistent/capture.json")

        let output = try CommandRunner.run(["replay", "--rules", copy.rules.path, copy.root.appendingPathComponent("captures").path])
        #expect(output.status == 1)
        #expect(output.stderr.contains("shopify/bad.json: hook.body: invalid JSON at byte 9"), "\(output.stderr)")
        #expect(output.stderr.contains(#"shopify/no-sidecar.json: record 1: no event name: header "X-Shopify-Topic" is missing"#))
        #expect(output.stderr.contains(#"magento/order.json: unknown integration "magento": no rule file"#))
        #expect(output.stderr.contains("shopify/unreadable.json: no such file"))
        #expect(output.stderr.contains("4 capture(s) failed"))
        #expect(output.stdout.contains(#""externalId":"820982911946154508""#), "\(output.stdout)")
    }

    @Test("a capture envelope carries its integration, subscription, id and exact body bytes")
    func envelope() throws {
        let copy = try ScratchCopy()
        defer { copy.remove() }
        let body = Data(#"{"messages": [{"ref": "Car:7"}]}"#.utf8).base64EncodedString()
        try copy.write("inbox/anything.hook.json", """
            {"format": "hookrules.capture/1", "id": "hook-0001", "integration": "dealerdesk",
             "subscription": "demo-dealerdesk", "receivedAt": "2026-11-23T10:00:00Z",
             "headers": [["Content-Type", "application/json"]], "body": "\(body)"}
            """)
        try copy.write("inbox/broken.hook.json", #"{"format": "hookrules.capture/1", "id": "x", "headers": [], "body": "!!"}"#)
        let output = try CommandRunner.run(["replay", "--rules", copy.rules.path, copy.root.appendingPathComponent("inbox").path])
        #expect(output.stdout.contains(#""externalId":"7","hookId":"hook-0001","integration":"dealerdesk""#), "\(output.stdout)\(output.stderr)")
        #expect(output.stderr.contains("broken.hook.json: capture envelope body is not base64"))
        #expect(output.status == 1)
    }

    @Test("--subscription picks the subscription and so the rule, whatever the folder")
    func namedSubscription() throws {
        let copy = try ScratchCopy()
        defer { copy.remove() }
        try copy.write("loose/hook.json", #"{"messages": [{"ref": "Customer:12"}]}"#)
        let output = try CommandRunner.run([
            "replay", "--rules", copy.rules.path, "--subscription", "demo-dealerdesk",
            copy.root.appendingPathComponent("loose/hook.json").path,
        ])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains(#""scope":"customer/updated","subscription":"demo-dealerdesk""#))
    }

    @Test("--trace names the rule line of each request; --format table prints columns")
    func traceAndTable() throws {
        let traced = try CommandRunner.run(["replay", "--trace", "samples/shopify/products.update.json"])
        #expect(traced.stdout.contains(#""trace":{"log":[],"rule":"rules/shopify.lua:46"}"#), "\(traced.stdout)")
        let table = try CommandRunner.run(["replay", "--format", "table", "samples/dealerdesk/message.single.json"])
        #expect(table.stdout == """
            CAPTURE              SUBSCRIPTION     SCOPE            EXTERNAL ID  FROM
            message.single.json  demo-dealerdesk  product/updated  0042         child of message/created Car:0042

            """, "\(table.stdout)")
    }

    @Test("usage errors exit with 64", arguments: [
        ["replay"], ["replay", "--subscription", "nobody", "samples/"], ["replay", "--format", "xml", "samples/"],
    ])
    func usageError(arguments: [String]) throws {
        let output = try CommandRunner.run(arguments)
        #expect(output.status == 64, "\(output.stderr)")
    }
}

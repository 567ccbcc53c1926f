import Foundation
import Testing

@Suite("hookrules replay: every file under a folder is replayed or listed as skipped")
struct ReplayCaptureListingTests {
    @Test("XML captures are replayed by their Content-Type: through the rule, or failing with the decoder's reason and line")
    func xmlCapture() throws {
        let copy = try ScratchCopy()
        defer { copy.remove() }
        let sample = try String(contentsOf: copy.samples.appendingPathComponent("salesforce/contacts.xml"), encoding: .utf8)
        try copy.write("inbox/salesforce/contacts.xml", sample)
        try copy.write("inbox/salesforce/contacts.headers.json", #"{"Content-Type": "text/xml; charset=utf-8"}"#)
        try copy.write("inbox/shopify/order.xml", "<order><id>820982911946154508</id></order>")
        try copy.write("inbox/shopify/order.headers.json", #"{"X-Shopify-Topic": "orders/create", "Content-Type": "text/xml"}"#)
        try copy.write("inbox/shopify/broken.xml", "<order>\n<id>1</order>")
        try copy.write("inbox/shopify/broken.headers.json", #"{"X-Shopify-Topic": "orders/create", "Content-Type": "application/xml"}"#)
        let output = try CommandRunner.run(["replay", "--rules", copy.rules.path, copy.root.appendingPathComponent("inbox").path])
        #expect(output.status == 1, "\(output.stdout)\(output.stderr)")
        #expect(output.stdout.contains(#""externalId":"0035e00000Bq1XzAAJ""#), "\(output.stdout)\(output.stderr)")
        // The XML body reached the Shopify rule, which looks for a top-level id the document does not have.
        #expect(output.stderr.contains("inbox/shopify/order.xml: "), "\(output.stderr)")
        #expect(output.stderr.contains("shopify.lua:97: record 1: the record has no id"), "\(output.stderr)")
        #expect(output.stderr.contains(
            "inbox/shopify/broken.xml: hook.body: invalid XML at byte 21 (line 2): Opening and ending tag mismatch: id line 2 and order"),
            "\(output.stderr)")
        #expect(output.stderr.contains("2 capture(s) failed"))
    }

    @Test("bodies of any extension are replayed; sidecars without a body, hidden files and notes are listed with why")
    func everyFileAccountedFor() throws {
        let copy = try ScratchCopy()
        defer { copy.remove() }
        let inbox = copy.root.appendingPathComponent("inbox").path
        try copy.write("inbox/shopify/product.txt", #"{"id": 820982911946154508}"#)
        try copy.write("inbox/shopify/product.headers.json", #"{"X-Shopify-Topic": "products/update"}"#)
        try copy.write("inbox/shopify/no-extension", #"{"id": 4}"#)
        try copy.write("inbox/shopify/orphan.headers.json", #"{"X-Shopify-Topic": "products/update"}"#)
        try copy.write("inbox/shopify/.DS_Store", "finder state")
        try copy.write("inbox/.git/HEAD", "ref: refs/heads/main")
        try copy.write("inbox/NOTES.md", "# Where these captures came from")
        let output = try CommandRunner.run(["replay", "--rules", copy.rules.path, inbox])
        #expect(output.stdout.contains(#""externalId":"820982911946154508","hookId":"\#(inbox)/shopify/product.txt""#), "\(output.stdout)\(output.stderr)")
        #expect(output.stderr.contains(#"\#(inbox)/shopify/no-extension: record 1: no event name: header "X-Shopify-Topic" is missing"#))
        #expect(output.stderr.contains(
            "skipped \(inbox)/shopify/orphan.headers.json: a headers sidecar with no body file beside it (orphan.*)"), "\(output.stderr)")
        #expect(output.stderr.contains("skipped \(inbox)/shopify/.DS_Store: hidden file, not a capture"))
        #expect(output.stderr.contains("skipped \(inbox)/.git: hidden folder, not searched"))
        #expect(output.stderr.contains("skipped \(inbox)/NOTES.md: Markdown notes, not a capture"))
        #expect(!output.stderr.contains("product.headers.json"))  // read as the sidecar of product.txt
        #expect(output.status == 1)  // no-extension has no event header
    }

    @Test("a 0-byte body file is refused with a clear message; the other captures still run")
    func emptyBody() throws {
        let copy = try ScratchCopy()
        defer { copy.remove() }
        try copy.write("inbox/shopify/empty.json", "")
        try copy.write("inbox/shopify/empty.headers.json", #"{"X-Shopify-Topic": "products/update"}"#)
        try copy.write("inbox/shopify/full.json", #"{"id": 7}"#)
        try copy.write("inbox/shopify/full.headers.json", #"{"X-Shopify-Topic": "products/update"}"#)
        let output = try CommandRunner.run(["replay", "--rules", copy.rules.path, copy.root.appendingPathComponent("inbox").path])
        #expect(output.status == 1)
        #expect(output.stderr.contains("shopify/empty.json: the body file is empty (0 bytes)"), "\(output.stderr)")
        #expect(output.stdout.contains(#""externalId":"7""#))
    }
}

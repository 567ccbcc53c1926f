import Foundation
import HookCapture
import Testing

@Suite("Captures on disk: what a folder holds, and what a capture file must be")
struct CaptureListingTests {
    /// A scratch folder holding `files` (path → contents).
    static func folder(_ files: [String: String]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("captures-\(UUID().uuidString)")
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return root
    }

    @Test("every file is a capture or skipped with why; a body's sidecar is neither")
    func listing() throws {
        let root = try Self.folder([
            "shop/a.json": "{}", "shop/a.headers.json": "{}", "shop/b.xml": "<b/>", "shop/b.headers.json": "{}",
            "shop/c": "text", "shop/d.hook.json": "{}", "shop/lost.headers.json": "{}", "shop/.DS_Store": "",
            ".git/config": "", "SOURCES.md": "# notes", "deep/er/e.txt": "x",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let listing = try CaptureListing(under: root.path)
        #expect(listing.captures == ["deep/er/e.txt", "shop/a.json", "shop/b.xml", "shop/c", "shop/d.hook.json"].map {
            root.appendingPathComponent($0).path
        })
        #expect(listing.skipped.map(\.description) == [
            "\(root.path)/.git: hidden folder, not searched",
            "\(root.path)/SOURCES.md: Markdown notes, not a capture",
            "\(root.path)/shop/.DS_Store: hidden file, not a capture",
            "\(root.path)/shop/lost.headers.json: a headers sidecar with no body file beside it (lost.*)",
        ])
    }

    @Test("a file named directly is a capture whatever its name; a missing path is an error")
    func namedFile() throws {
        let root = try Self.folder(["notes.md": "x"])
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try CaptureListing(under: root.appendingPathComponent("notes.md").path).captures.count == 1)
        #expect(throws: CaptureError.self) { try CaptureListing(under: root.appendingPathComponent("none").path) }
    }

    @Test("a body of any extension reads its sidecar; an empty body file is refused, an empty envelope body is not")
    func bodies() throws {
        let envelope = #"{"format": "hookrules.capture/1", "id": "h", "headers": [], "body": ""}"#
        let root = try Self.folder([
            "shop/order.xml": "<order/>", "shop/order.headers.json": #"{"Content-Type": "text/xml"}"#,
            "shop/empty.json": "", "shop/empty.hook.json": envelope,
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let xml = try CapturedHook(path: root.appendingPathComponent("shop/order.xml").path)
        #expect(xml.headers["content-type"] == "text/xml" && xml.body == Array("<order/>".utf8) && xml.integration == "shop")
        #expect {
            try CapturedHook(path: root.appendingPathComponent("shop/empty.json").path)
        } throws: { error in
            (error as? CaptureError)?.reason.hasPrefix("the body file is empty (0 bytes)") == true
        }
        #expect(try CapturedHook(path: root.appendingPathComponent("shop/empty.hook.json").path).body.isEmpty)
    }
}

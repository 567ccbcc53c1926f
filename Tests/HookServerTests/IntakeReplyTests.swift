import Foundation
import Testing

@testable import HookIntake

@Suite("Intake replies and hook ids")
struct IntakeReplyTests {
    @Test("a reply's JSON escapes quotes, backslashes and control characters, keeps other UTF-8, and parses back")
    func escaping() throws {
        let text = "say \"hi\" \\ tab\there\nline\r\u{01}\u{1F} é 漢 🎉"
        let reply = IntakeReply.json(
            202, [("error", .string(text)), ("count", .integer(-42)), ("duplicate", .boolean(false)),
                  ("scopes", .strings(["product/updated", "a\"b"]))])
        let body = String(decoding: reply.body, as: UTF8.self)
        #expect(body == #"{"error":"say \"hi\" \\ tab\there\nline\r\u0001\u001f é 漢 🎉","count":-42,"duplicate":false,"scopes":["product/updated","a\"b"]}"# + "\n")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(reply.body)) as? [String: Any])
        #expect(parsed["error"] as? String == text)
        #expect(parsed["scopes"] as? [String] == ["product/updated", "a\"b"])
        #expect(reply.headers.first?.name == "Content-Type" && reply.headers.first?.value == "application/json")
    }

    @Test("hook ids: hk_, 12 hex digits of milliseconds and 16 random ones; they sort by time and never repeat")
    func identifiers() {
        let early = HookIdentifier.next(at: Date(timeIntervalSince1970: 1))
        #expect(early.hasPrefix("hk_0000000003e8") && early.count == 31)
        let now = Date()
        let ids = (0..<1_000).map { _ in HookIdentifier.next(at: now) }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.count == 31 && $0.dropFirst(3).allSatisfy(\.isHexDigit) && $0.dropFirst(3) == $0.dropFirst(3).lowercased() })
        #expect(early < ids[0] && ids[0] < HookIdentifier.next(at: now.addingTimeInterval(0.002)))
    }
}

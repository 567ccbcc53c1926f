import Foundation

/// Deterministic webhook bodies of a chosen size: a batch of product records, each padded to about `recordBytes`
/// with the kinds of values real payloads carry (nested variants, 64-bit ids, decimals, escaped text). The same
/// bytes are written to disk for the plain-Lua reference to read.
struct GeneratedBodies {
    struct Case {
        let recordBytes: Int
        let records: Int
        var name: String { "\(recordBytes)B-x\(records)" }
    }

    static let recordSizes = [300, 3_000, 20_000]
    static let batchSizes = [1, 10, 100]
    static var cases: [Case] { recordSizes.flatMap { size in batchSizes.map { Case(recordBytes: size, records: $0) } } }

    /// `{"batch": ..., "sent_at": ..., "records": [...]}` with `records` records of about `recordBytes` each.
    static func body(for generated: Case) -> [UInt8] {
        let records = (0..<generated.records).map { record(index: $0, bytes: generated.recordBytes) }
        let body = #"{"batch":"\#(generated.name)","sent_at":"2026-11-23T09:00:00Z","records":["#
            + records.joined(separator: ",") + "]}"
        return Array(body.utf8)
    }

    /// One record: string id and event (read by the bench rule), then filler that no rule reads.
    static func record(index: Int, bytes: Int) -> String {
        let event = index % 2 == 0 ? "product.updated" : "product.created"
        var fields = [
            #""id":"rec-\#(String(format: "%06d", index))""#, #""event":"\#(event)""#,
            #""sku":"SKU-\#(index * 7919 % 100_000)""#, #""price":"\#(index % 500).99""#, #""stock":\#(index % 97)"#,
            #""ref":\#(820_982_911_946_154_508 + index)"#, #""active":\#(index % 3 != 0)"#,
            #""title":"Generated product \#(index) \"quoted\" – ünïcode""#,
            #""dimensions":{"w":\#(Double(index % 40) + 0.5),"h":2.25,"unit":"cm"}"#,
        ]
        var variant = 0
        func length() -> Int { fields.reduce(2) { $0 + $1.utf8.count + 1 } }
        while length() + 160 < bytes {
            variant += 1
            fields.append(
                #""variant_\#(variant)":{"id":\#(9_007_199_254_740_993 + index * 100 + variant),"sku":"SKU-\#(index)-\#(variant)","#
                    + #""price":"\#(variant * 3).50","options":{"color":"red","size":"M"},"images":[\#(variant),\#(variant + 1)]}"#)
        }
        let padding = max(0, bytes - length() - 18)
        fields.append(#""description":"\#(String(repeating: "lorem ipsum ", count: padding / 12 + 1).prefix(padding))""#)
        return "{" + fields.joined(separator: ",") + "}"
    }
}

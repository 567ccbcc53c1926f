import Foundation
import HookSignatures

/// The Lua file bench/intake/post.lua reads: every capture of the mix as a request for one server, signed now (so
/// timestamped signatures are fresh), in the entry shapes the script describes. Written just before each run.
struct RequestFile {
    /// Marks this file's delivery ids, so no two runs on one database share one.
    let nonce: String
    /// Pre-signed variants per capture whose delivery id is signed.
    let variants: Int
    let threads: Int

    /// Writes the file for a server at `base` and returns how many bytes it has.
    @discardableResult
    func write(_ mix: CaptureMix, base: String, to path: String) throws -> Int {
        let now = Date()
        var lua = LuaText()
        lua.append("return {\n  nonce = ")
        lua.appendString(nonce)
        lua.append(", threads = \(threads),\n  requests = {\n")
        for template in mix.templates {
            let request = template.request(base: base, at: now)
            lua.append("    { path = ")
            lua.appendString(template.target)
            if let slot = template.delivery {
                try append(slot, of: template, request: request, at: now, to: &lua)
            } else {
                lua.append(", headers = ")
                lua.appendTable(request.headers.fields)
                lua.append(", body = ")
                lua.appendString(request.body)
            }
            lua.append(" },\n")
        }
        lua.append("  },\n}\n")
        guard FileManager.default.createFile(atPath: path, contents: Data(lua.bytes)) else {
            throw BenchmarkFailure("cannot write \(path)")
        }
        return lua.bytes.count
    }

    private func append(
        _ slot: DeliverySlot, of template: CaptureTemplate, request: WebhookRequest, at now: Date, to lua: inout LuaText
    ) throws {
        switch slot.place {
        case .header(let name):
            lua.append(", slot = ")
            lua.appendString(name)
            lua.append(", headers = ")
            lua.appendTable(request.headers.fields.filter { $0.name != name })
            lua.append(", body = ")
            lua.appendString(request.body)
        case .body(let range):
            lua.append(", slot = \"body\", headers = ")
            lua.appendTable(request.headers.fields)
            lua.append(", before = ")
            lua.appendString(request.body[..<range.lowerBound])
            lua.append(", after = ")
            lua.appendString(request.body[range.upperBound...])
        }
        guard slot.signed else {
            lua.append(", base = ")
            lua.appendString(slot.original)
            return
        }
        guard let signer = template.credentials.signer else {
            throw BenchmarkFailure("\(template.capture): its delivery id is signed, but its subscription has no signer")
        }
        lua.append(",\n      variants = {\n")
        for variant in 1...variants {
            let id = "\(slot.original)-\(nonce)-\(variant)"
            let headers = signer.signatureHeaders(for: slot.placing(id, in: request), at: now)
            lua.append("        { id = ")
            lua.appendString(id)
            lua.append(", headers = ")
            lua.appendTable(headers.fields)
            lua.append(" },\n")
        }
        lua.append("      }")
    }
}

/// Lua source built as bytes: bodies go in exactly as they are, whatever their encoding.
struct LuaText {
    private(set) var bytes: [UInt8] = []

    mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

    mutating func appendString(_ text: String) { appendString(Array(text.utf8)[...]) }

    mutating func appendString(_ value: [UInt8]) { appendString(value[...]) }

    /// A quoted Lua string: quotes, backslashes and control bytes escaped (`\ddd` always with three digits, so a
    /// digit after it is not read as part of it); other bytes as they are, which Lua strings hold unchanged.
    mutating func appendString(_ value: ArraySlice<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(byte)
            case 0..<0x20, 0x7F:
                bytes.append(contentsOf: Array(String(format: "\\%03d", Int(byte)).utf8))
            default:
                bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `{ ["name"] = "value", ... }`.
    mutating func appendTable(_ fields: [(name: String, value: String)]) {
        append("{ ")
        for field in fields {
            append("[")
            appendString(field.name)
            append("] = ")
            appendString(field.value)
            append(", ")
        }
        append("}")
    }
}

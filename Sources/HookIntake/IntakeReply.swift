import Foundation

/// What the server answers a hook: a status, headers and a small JSON (or a rule's handshake) body. Built by the
/// intake service, written out by the HTTP layer, so the decisions are testable without a socket.
public struct IntakeReply: Sendable, Equatable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON body (the fields written in order, strings escaped, numbers and booleans as they are).
    static func json(_ status: Int, _ fields: [(String, JSONField)], headers: [(name: String, value: String)] = []) -> IntakeReply {
        var body: [UInt8] = [UInt8(ascii: "{")]
        body.reserveCapacity(128)
        for (index, (name, value)) in fields.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            JSONField.string(name).render(into: &body)
            body.append(UInt8(ascii: ":"))
            value.render(into: &body)
        }
        body.append(contentsOf: "}\n".utf8)
        return IntakeReply(status: status, headers: [(name: "Content-Type", value: "application/json")] + headers, body: body)
    }

    /// A refusal: `{"error": reason}`.
    static func error(_ status: Int, _ reason: String, headers: [(name: String, value: String)] = []) -> IntakeReply {
        json(status, [("error", .string(reason))], headers: headers)
    }

    public static func == (lhs: IntakeReply, rhs: IntakeReply) -> Bool {
        lhs.status == rhs.status && lhs.body == rhs.body
            && lhs.headers.elementsEqual(rhs.headers) { $0.name == $1.name && $0.value == $1.value }
    }
}

/// A value in a reply's JSON body. Written by hand: the replies are a handful of flat fields, and JSONEncoder would
/// need a Codable type per reply and sorts nothing we care about.
enum JSONField {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case strings([String])

    /// Appends the value as JSON, straight into the reply's bytes (every hook's reply is built here): strings are
    /// escaped over their UTF-8, with no intermediate String.
    func render(into out: inout [UInt8]) {
        switch self {
        case .integer(let value): out.append(contentsOf: String(value).utf8)
        case .boolean(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .strings(let values):
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONField.string(value).render(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .string(let text):
            out.append(UInt8(ascii: "\""))
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
                case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
                case UInt8(ascii: "\n"): out.append(contentsOf: #"\n"#.utf8)
                case UInt8(ascii: "\r"): out.append(contentsOf: #"\r"#.utf8)
                case UInt8(ascii: "\t"): out.append(contentsOf: #"\t"#.utf8)
                case 0..<0x20:
                    out.append(contentsOf: #"\u00"#.utf8)
                    out.append(Self.hexDigits[Int(byte >> 4)])
                    out.append(Self.hexDigits[Int(byte & 0xF)])
                default: out.append(byte)  // UTF-8 of other characters is valid JSON as it is
                }
            }
            out.append(UInt8(ascii: "\""))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}

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
        let members = fields.map { "\(JSONField.string($0.0).rendered):\($0.1.rendered)" }
        return IntakeReply(
            status: status, headers: [(name: "Content-Type", value: "application/json")] + headers,
            body: Array("{\(members.joined(separator: ","))}\n".utf8))
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

    var rendered: String {
        switch self {
        case .integer(let value): return String(value)
        case .boolean(let value): return value ? "true" : "false"
        case .strings(let values): return "[" + values.map { JSONField.string($0).rendered }.joined(separator: ",") + "]"
        case .string(let text):
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
    }
}

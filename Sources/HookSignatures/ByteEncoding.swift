import Foundation

/// Hex and base64 for signatures and keys. Base64 is Foundation's (strict: padded, no whitespace); Foundation has
/// no hex codec and swift-crypto keeps its own internal, so hex is written here.
enum ByteEncoding {
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Upper- or lower-case digits, an even count; nil otherwise.
    static func bytes(fromHex text: some StringProtocol) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    static func base64(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
    }

    static func bytes(fromBase64 text: some StringProtocol) -> [UInt8]? {
        Data(base64Encoded: String(text)).map { Array($0) }
    }

    static func encode(_ bytes: some Sequence<UInt8>, as encoding: GenericHMAC.Encoding) -> String {
        switch encoding {
        case .hex: hex(bytes)
        case .base64: base64(bytes)
        }
    }

    static func decode(_ text: some StringProtocol, as encoding: GenericHMAC.Encoding) -> [UInt8]? {
        switch encoding {
        case .hex: bytes(fromHex: text)
        case .base64: bytes(fromBase64: text)
        }
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// The bytes a layout signs for one request, as parts in order (the body array is shared, not copied).
struct SignedContent {
    var timestamp: String = ""
    var deliveryID: String = ""

    func parts(_ layout: [HMACLayout.Part], of request: WebhookRequest) -> [[UInt8]] {
        layout.map { part in
            switch part {
            case .body: request.body
            case .text(let text): Array(text.utf8)
            case .timestamp: Array(timestamp.utf8)
            case .deliveryID: Array(deliveryID.utf8)
            case .method: Array(request.method.utf8)
            case .requestURL: Array(request.url.utf8)
            case .hubspotRequestURL: Array(HubSpotURI.signedForm(of: request.url).utf8)
            }
        }
    }
}

/// HubSpot v3 signs the request URI with these characters unescaped; a receiver decodes exactly them (HubSpot's
/// "Validate the v3 request signature": `%3A :`, `%2F /`, `%3F ?`, `%40 @`, `%21 !`, `%24 $`, `%27 '`, `%28 (`,
/// `%29 )`, `%2A *`, `%2C ,`, `%3B ;`) and leaves every other escape as it is. One pass, so `%253A` stays.
enum HubSpotURI {
    private static let unescaped = Set(":/?@!$'()*,;".utf8)

    static func signedForm(of uri: String) -> String {
        let bytes = Array(uri.utf8)
        guard bytes.contains(UInt8(ascii: "%")) else { return uri }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
                let decoded = ByteEncoding.bytes(fromHex: String(decoding: bytes[index + 1...index + 2], as: UTF8.self)),
                unescaped.contains(decoded[0])
            {
                result.append(decoded[0])
                index += 3
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}

import Foundation

extension SignatureScheme {
    /// The scheme a settings table names under `scheme`, with the rest as its settings:
    /// `{ scheme: hmac, algorithm: sha256, header: X-Signature, encoding: hex, prefix: "sha256=" }`.
    public init(settings: [String: String]) throws(SignatureConfigurationError) {
        var rest = settings
        guard let name = rest.removeValue(forKey: "scheme") else {
            throw .missingSetting(scheme: "signature", setting: "scheme")
        }
        try self.init(name: name, settings: rest)
    }

    /// The scheme called `name` (`"shopify"`) with its settings. Only Square (`notification_url`) and the generic
    /// HMAC take settings; an unknown name or setting fails, listing the known ones.
    public init(name: String, settings: [String: String] = [:]) throws(SignatureConfigurationError) {
        var reader = SettingsReader(scheme: name, settings: settings)
        switch name {
        case "github": self = .github
        case "shopify": self = .shopify
        case "stripe": self = .stripe
        case "hubspot-v3": self = .hubspotV3
        case "woocommerce": self = .woocommerce
        case "standard-webhooks": self = .standardWebhooks
        case "sendgrid": self = .sendgrid
        case "square":
            let url = try reader.required("notification_url")
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased()), parsed.host != nil,
                url.trimmingSpaces == url
            else {
                throw .invalidSetting(scheme: name, setting: "notification_url", reason: "must be the http(s) URL registered with Square, exactly")
            }
            self = .square(notificationURL: url)
        case "hmac":
            self = .hmac(try GenericHMAC(reading: &reader))
        default:
            throw .unknownScheme(name)
        }
        try reader.finish()
    }
}

extension GenericHMAC {
    static let settingNames = [
        "algorithm", "encoding", "header", "prefix", "signed", "timestamp_header", "timestamp_unit", "id_header",
        "secret_encoding",
    ]

    fileprivate init(reading reader: inout SettingsReader) throws(SignatureConfigurationError) {
        try self.init(
            algorithm: reader.required("algorithm", as: Algorithm.self),
            encoding: reader.required("encoding", as: Encoding.self),
            header: reader.required("header"),
            prefix: reader.optional("prefix") ?? "",
            signed: Self.parts(fromTemplate: reader.optional("signed") ?? "{body}"),
            timestampHeader: reader.optional("timestamp_header"),
            timestampUnit: reader.optional("timestamp_unit", as: TimestampUnit.self) ?? .seconds,
            deliveryIDHeader: reader.optional("id_header"),
            secretEncoding: reader.optional("secret_encoding", as: SecretEncoding.self) ?? .text
        )
    }

    /// `"{timestamp}.{body}"` → `[.timestamp, .text("."), .body]`.
    public static func parts(fromTemplate text: String) throws(SignatureConfigurationError) -> [Part] {
        func invalid(_ reason: String) -> SignatureConfigurationError {
            .invalidSetting(scheme: "hmac", setting: "signed", reason: reason)
        }
        var parts: [Part] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            guard let open = rest.firstIndex(of: "{") else {
                guard !rest.contains("}") else { throw invalid("has a \"}\" without \"{\"") }
                parts.append(.text(String(rest)))
                break
            }
            let literal = rest[..<open]
            guard !literal.contains("}") else { throw invalid("has a \"}\" without \"{\"") }
            if !literal.isEmpty { parts.append(.text(String(literal))) }
            guard let close = rest[open...].firstIndex(of: "}") else { throw invalid("has a \"{\" without \"}\"") }
            let placeholder = rest[rest.index(after: open)..<close]
            switch placeholder {
            case "body": parts.append(.body)
            case "timestamp": parts.append(.timestamp)
            case "id": parts.append(.deliveryID)
            case "method": parts.append(.method)
            case "url": parts.append(.url)
            default: throw invalid("has an unknown placeholder {\(placeholder)} (known: {body}, {timestamp}, {id}, {method}, {url})")
            }
            rest = rest[rest.index(after: close)...]
        }
        return parts
    }
}

/// Reads settings by name and remembers which were read, so any left over is reported as unknown.
private struct SettingsReader {
    let scheme: String
    var settings: [String: String]
    private var known: [String] = []

    init(scheme: String, settings: [String: String]) {
        self.scheme = scheme
        self.settings = settings
    }

    mutating func optional(_ name: String) -> String? {
        known.append(name)
        return settings.removeValue(forKey: name)
    }

    mutating func required(_ name: String) throws(SignatureConfigurationError) -> String {
        guard let value = optional(name), !value.isEmpty else { throw .missingSetting(scheme: scheme, setting: name) }
        return value
    }

    mutating func optional<Choice: RawRepresentable & CaseIterable>(
        _ name: String, as _: Choice.Type
    ) throws(SignatureConfigurationError) -> Choice? where Choice.RawValue == String {
        guard let text = optional(name) else { return nil }
        guard let choice = Choice(rawValue: text) else {
            let choices = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalidSetting(scheme: scheme, setting: name, reason: "must be one of \(choices), not \"\(text)\"")
        }
        return choice
    }

    mutating func required<Choice: RawRepresentable & CaseIterable>(
        _ name: String, as type: Choice.Type
    ) throws(SignatureConfigurationError) -> Choice where Choice.RawValue == String {
        guard let choice = try optional(name, as: type) else { throw .missingSetting(scheme: scheme, setting: name) }
        return choice
    }

    /// Fails on the first setting no read asked for (sorted, so the message is stable).
    func finish() throws(SignatureConfigurationError) {
        if let unknown = settings.keys.sorted().first {
            throw .unknownSetting(scheme: scheme, setting: unknown, known: known)
        }
    }
}

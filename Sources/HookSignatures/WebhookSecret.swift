/// A secret: a signing key shared with a provider, a provider's public key (SendGrid), or a Bearer key. Its content
/// never prints: `description`, `debugDescription` and its mirror are redacted, so a secret in a log line, an error
/// message or `dump` shows as `<secret>`. Only this module reads the content, to key a MAC or compare a key.
public struct WebhookSecret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    let value: String

    /// The environment variable the secret came from (`${NAME}`), or nil for a literal secret: lets a caller warn
    /// about literal secrets in a configuration file without ever seeing one.
    public let variable: String?

    /// A literal secret.
    public init(_ value: String) {
        self.init(value: value, variable: nil)
    }

    private init(value: String, variable: String?) {
        self.value = value
        self.variable = variable
    }

    /// `${NAME}` is the value of `NAME` in `environment`; any other text is a literal secret. An unset or empty
    /// variable is an error naming it; so is text that mixes `${` with other characters, because a secret is either
    /// a reference alone or literal text (a half-resolved secret would verify nothing and say nothing).
    public init(resolving text: String, environment: [String: String]) throws(SignatureConfigurationError) {
        guard text.contains("${") else {
            guard !text.isEmpty else { throw .emptySecret }
            self.init(text)
            return
        }
        guard text.hasPrefix("${"), text.hasSuffix("}"), text.utf8.count > 3 else {
            throw .malformedSecretReference(reason: "a secret is either \"${NAME}\" alone or literal text without \"${\"")
        }
        let name = String(text.dropFirst(2).dropLast())
        guard Self.isVariableName(name) else {
            throw .malformedSecretReference(reason: "\"\(name)\" is not an environment variable name (letters, digits, _)")
        }
        guard let resolved = environment[name] else { throw .unsetVariable(name) }
        guard !resolved.isEmpty else { throw .emptyVariable(name) }
        self.init(value: resolved, variable: name)
    }

    /// Several secrets for one subscription (rotation: the new one and the one still in use), each resolved as
    /// `init(resolving:environment:)` does.
    public static func resolving(
        _ texts: [String], environment: [String: String]
    ) throws(SignatureConfigurationError) -> [WebhookSecret] {
        var secrets: [WebhookSecret] = []
        for text in texts { secrets.append(try WebhookSecret(resolving: text, environment: environment)) }
        return secrets
    }

    public var description: String { variable.map { "<secret from $\($0)>" } ?? "<secret>" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    var bytes: [UInt8] { Array(value.utf8) }

    private static func isVariableName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return false }
        return name.utf8.allSatisfy { byte in
            byte == UInt8(ascii: "_") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
        }
    }
}

/// Why a subscription's authentication cannot be loaded. Raised at load, never per request: an unknown scheme or
/// setting, a missing secret or one of the wrong form fails closed before the first hook arrives. Messages name
/// schemes, settings, positions and environment variables, never a secret's content.
public enum SignatureConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownScheme(String)
    case unknownSetting(scheme: String, setting: String, known: [String])
    case missingSetting(scheme: String, setting: String)
    case invalidSetting(scheme: String, setting: String, reason: String)
    /// A verifier or Bearer check with no secret or key to check against.
    case noSecrets(scheme: String)
    /// The secret at `position` (1-based, in the order given) has the wrong form for the scheme.
    case badSecret(scheme: String, position: Int, reason: String)
    case emptySecret
    case unsetVariable(String)
    case emptyVariable(String)
    case malformedSecretReference(reason: String)
    /// The scheme only verifies (SendGrid's secret is a public key).
    case signingUnsupported(scheme: String)
    /// Neither a Bearer key nor a signature: unauthenticated intake must be asked for (`RequestAuthenticator.none`).
    case noAuthentication

    public var description: String {
        switch self {
        case .unknownScheme(let name):
            return "unknown signature scheme \"\(name)\" (known: \(SignatureScheme.names.joined(separator: ", ")))"
        case .unknownSetting(let scheme, let setting, let known):
            let choices = known.isEmpty ? "it takes no settings" : "known: \(known.joined(separator: ", "))"
            return "\(scheme): unknown setting \"\(setting)\" (\(choices))"
        case .missingSetting(let scheme, let setting):
            return "\(scheme): setting \"\(setting)\" is required"
        case .invalidSetting(let scheme, let setting, let reason):
            return "\(scheme): \(setting) \(reason)"
        case .noSecrets(let scheme):
            return "\(scheme): no secret given (give one, or several while rotating)"
        case .badSecret(let scheme, let position, let reason):
            return "\(scheme): secret \(position) \(reason)"
        case .emptySecret:
            return "a secret is empty"
        case .unsetVariable(let name):
            return "environment variable \(name) is not set (named by a secret as ${\(name)})"
        case .emptyVariable(let name):
            return "environment variable \(name) is empty (named by a secret as ${\(name)})"
        case .malformedSecretReference(let reason):
            return "malformed secret reference: \(reason)"
        case .signingUnsupported(let scheme):
            return "\(scheme): this scheme can only verify (its secret is the provider's public key)"
        case .noAuthentication:
            return "no authentication configured: give a Bearer key and/or a signature, or write `auth: none`"
        }
    }
}

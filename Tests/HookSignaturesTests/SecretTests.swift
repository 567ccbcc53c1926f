import Foundation
import HookSignatures
import Testing

/// Secrets never print, come from the environment by reference, and are checked for their scheme's form at load.
@Suite struct SecretTests {
    @Test func aSecretNeverPrints() {
        let secret = WebhookSecret("hunter2-SENTINEL")
        var dumped = ""
        dump(secret, to: &dumped)
        for text in ["\(secret)", String(reflecting: secret), dumped, "\([secret])", String(describing: Optional(secret))] {
            #expect(!text.contains("SENTINEL"), "\(text)")
        }
        #expect("\(secret)" == "<secret>")
    }

    @Test func environmentReferenceResolves() throws {
        let secret = try WebhookSecret(resolving: "${SHOPIFY_SECRET}", environment: ["SHOPIFY_SECRET": "hush"])
        #expect(secret.variable == "SHOPIFY_SECRET")
        #expect("\(secret)" == "<secret from $SHOPIFY_SECRET>")
        // The resolved value is the key: it verifies the Shopify vector.
        let request = WebhookRequest(url: "https://example.com", body: Array(#"{"id":820982911946154508,"email":"jon@example.com"}"#.utf8))
            .adding(header: "X-Shopify-Hmac-Sha256", "D0UMXmhjwBRi4y66TmhJrDlhQABD7zI2fm3p6/QLMo8=")
        try WebhookVerifier(scheme: .shopify, secrets: [secret]).verify(request, now: Date())
    }

    @Test func literalSecretIsAllowed() throws {
        let secret = try WebhookSecret(resolving: "hush", environment: [:])
        #expect(secret.variable == nil)
    }

    @Test func missingVariableIsAnErrorNamingIt() {
        let error = SignatureConfigurationError.unsetVariable("SHOPIFY_SECRET")
        #expect(throws: error) { try WebhookSecret(resolving: "${SHOPIFY_SECRET}", environment: ["OTHER": "x"]) }
        #expect(error.description == "environment variable SHOPIFY_SECRET is not set (named by a secret as ${SHOPIFY_SECRET})")
        #expect(throws: SignatureConfigurationError.emptyVariable("EMPTY")) {
            try WebhookSecret(resolving: "${EMPTY}", environment: ["EMPTY": ""])
        }
    }

    @Test(arguments: ["whsec_${STRIPE}", "${STRIPE", "${}", "${1STRIPE}", "${STRI PE}", "$${STRIPE}"])
    func malformedReferencesFail(text: String) {
        #expect(throws: SignatureConfigurationError.self) {
            try WebhookSecret(resolving: text, environment: ["STRIPE": "whsec_x", "1STRIPE": "x", "STRI PE": "x"])
        }
    }

    @Test func severalSecretsResolveInOrder() throws {
        let secrets = try WebhookSecret.resolving(["${NEW}", "${OLD}"], environment: ["NEW": "a", "OLD": "b"])
        #expect(secrets.map(\.variable) == ["NEW", "OLD"])
        #expect(throws: SignatureConfigurationError.emptySecret) { try WebhookSecret.resolving(["a", ""], environment: [:]) }
    }

    @Test(arguments: [
        (SignatureScheme.stripe, "sk_live_SENTINEL", "is not a Stripe endpoint signing secret (those start with whsec_)"),
        (.standardWebhooks, "whsec_SENTINEL!!", "is not whsec_ followed by base64"),
        (.sendgrid, "SENTINEL", "is not a base64 DER P-256 public key"),
        (.sendgrid, "aGVsbG8gU0VOVElORUw=", "is not a base64 DER P-256 public key"),
        (try! SignatureScheme(name: "hmac", settings: ["algorithm": "sha1", "encoding": "hex", "header": "X", "secret_encoding": "hex"]),
         "SENTINEL", "is not hex"),
        (try! SignatureScheme(name: "hmac", settings: ["algorithm": "sha1", "encoding": "hex", "header": "X", "secret_encoding": "base64"]),
         "SENTINEL!", "is not base64"),
    ])
    func secretOfTheWrongFormFailsAtLoad(scheme: SignatureScheme, secret: String, reason: String) {
        let error = SignatureConfigurationError.badSecret(scheme: scheme.name, position: 2, reason: reason)
        #expect(throws: error) {
            try WebhookVerifier(scheme: scheme, secrets: [SchemeFixture.validSecret(for: scheme), WebhookSecret(secret)])
        }
        #expect(!error.description.contains("SENTINEL"))
    }

    @Test func aVerifierNeedsASecret() {
        #expect(throws: SignatureConfigurationError.noSecrets(scheme: "github")) { try WebhookVerifier(scheme: .github, secrets: []) }
    }

    @Test func aDecodedSecretMustNotBeEmpty() {
        #expect(throws: SignatureConfigurationError.badSecret(scheme: "standard-webhooks", position: 1, reason: "is empty")) {
            try WebhookVerifier(scheme: .standardWebhooks, secrets: [WebhookSecret("whsec_")])
        }
    }
}

extension SchemeFixture {
    static func validSecret(for scheme: SignatureScheme) -> WebhookSecret {
        switch scheme {
        case .stripe: WebhookSecret("whsec_valid")
        case .standardWebhooks: WebhookSecret("whsec_dmFsaWQ=")
        case .sendgrid: sendgrid.secrets[0]
        default: WebhookSecret("00ff")
        }
    }
}

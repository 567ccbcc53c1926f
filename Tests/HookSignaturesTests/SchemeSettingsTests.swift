import HookSignatures
import Testing

/// Schemes as rule and subscription files will name them; anything unknown fails at load with the known choices.
@Suite struct SchemeSettingsTests {
    @Test func everyNamedSchemeParses() throws {
        let settings: [String: [String: String]] = [
            "square": ["notification_url": "https://example.com/hooks/square"],
            "hmac": ["algorithm": "sha256", "encoding": "hex", "header": "X-Signature"],
        ]
        for name in SignatureScheme.names {
            let scheme = try SignatureScheme(name: name, settings: settings[name] ?? [:])
            #expect(scheme.name == name)
        }
    }

    @Test func unknownSchemeFailsListingTheKnownOnes() {
        #expect(throws: SignatureConfigurationError.unknownScheme("hubspot")) { try SignatureScheme(name: "hubspot") }
        #expect(SignatureConfigurationError.unknownScheme("shopfy").description
            == "unknown signature scheme \"shopfy\" (known: github, shopify, stripe, hubspot-v3, square, woocommerce, standard-webhooks, sendgrid, hmac)")
    }

    @Test func aSchemeWithoutSettingsRefusesAny() {
        let error = SignatureConfigurationError.unknownSetting(scheme: "github", setting: "prefix", known: [])
        #expect(throws: error) { try SignatureScheme(name: "github", settings: ["prefix": "sha1="]) }
        #expect(error.description == "github: unknown setting \"prefix\" (it takes no settings)")
    }

    @Test func squareNeedsItsNotificationURL() throws {
        #expect(throws: SignatureConfigurationError.missingSetting(scheme: "square", setting: "notification_url")) {
            try SignatureScheme(name: "square")
        }
        for url in ["not a url", "ftp://example.com/x", " https://example.com/x", "/hooks/square"] {
            #expect(throws: SignatureConfigurationError.self) {
                try SignatureScheme(name: "square", settings: ["notification_url": url])
            }
        }
        let scheme = try SignatureScheme(name: "square", settings: ["notification_url": "https://example.com/x/"])
        #expect(scheme == .square(notificationURL: "https://example.com/x/"))
    }

    @Test func genericHMACFromItsSettings() throws {
        let scheme = try SignatureScheme(settings: [
            "scheme": "hmac", "algorithm": "sha512", "encoding": "base64", "header": "X-Acme-Signature", "prefix": "v1=",
            "signed": "{id}:{timestamp}:{body}", "timestamp_header": "X-Acme-Time", "timestamp_unit": "milliseconds",
            "id_header": "X-Acme-Id", "secret_encoding": "hex",
        ])
        let expected = try GenericHMAC(
            algorithm: .sha512, encoding: .base64, header: "X-Acme-Signature", prefix: "v1=",
            signed: [.deliveryID, .text(":"), .timestamp, .text(":"), .body], timestampHeader: "X-Acme-Time",
            timestampUnit: .milliseconds, deliveryIDHeader: "X-Acme-Id", secretEncoding: .hex
        )
        #expect(scheme == .hmac(expected))
        #expect(scheme.headerNames == ["X-Acme-Signature", "X-Acme-Time", "X-Acme-Id"])
        #expect(scheme.hasTimestamp)
    }

    @Test func genericHMACDefaults() throws {
        let scheme = try SignatureScheme(name: "hmac", settings: ["algorithm": "sha1", "encoding": "hex", "header": "X-Sig"])
        #expect(scheme == .hmac(try GenericHMAC(algorithm: .sha1, encoding: .hex, header: "X-Sig")))
        #expect(!scheme.hasTimestamp)
    }

    @Test(arguments: [
        (["encoding": "hex", "header": "X"], SignatureConfigurationError.missingSetting(scheme: "hmac", setting: "algorithm")),
        (["algorithm": "md5", "encoding": "hex", "header": "X"],
         .invalidSetting(scheme: "hmac", setting: "algorithm", reason: "must be one of sha1, sha256, sha512, not \"md5\"")),
        (["algorithm": "sha256", "encoding": "hex", "header": "X", "algoritm": "sha1"],
         .unknownSetting(scheme: "hmac", setting: "algoritm", known: [
            "algorithm", "encoding", "header", "prefix", "signed", "timestamp_header", "timestamp_unit", "id_header",
            "secret_encoding",
         ])),
        (["algorithm": "sha256", "encoding": "hex", "header": "X Sig"],
         .invalidSetting(scheme: "hmac", setting: "header", reason: "must be a header name")),
        (["algorithm": "sha256", "encoding": "hex", "header": "X", "signed": "{timestamp}"],
         .invalidSetting(scheme: "hmac", setting: "signed", reason: "must contain {body}")),
        (["algorithm": "sha256", "encoding": "hex", "header": "X", "signed": "{timestamp}.{body}"],
         .missingSetting(scheme: "hmac", setting: "timestamp_header")),
        (["algorithm": "sha256", "encoding": "hex", "header": "X", "timestamp_header": "X-Time"],
         .invalidSetting(scheme: "hmac", setting: "timestamp_header", reason: "is set but {timestamp} is not in signed")),
        (["algorithm": "sha256", "encoding": "hex", "header": "X", "id_header": "X-Id"],
         .invalidSetting(scheme: "hmac", setting: "id_header", reason: "is set but {id} is not in signed")),
        (["algorithm": "sha256", "encoding": "hex", "header": "X", "signed": "{body}.{nonce}"],
         .invalidSetting(scheme: "hmac", setting: "signed", reason: "has an unknown placeholder {nonce} (known: {body}, {timestamp}, {id}, {method}, {url})")),
        (["algorithm": "sha256", "encoding": "hex", "header": "X", "signed": "{body"],
         .invalidSetting(scheme: "hmac", setting: "signed", reason: "has a \"{\" without \"}\"")),
        (["algorithm": "sha256", "encoding": "hex", "header": "X", "signed": "body}"],
         .invalidSetting(scheme: "hmac", setting: "signed", reason: "has a \"}\" without \"{\"")),
    ])
    func genericHMACSettingsFailClosed(settings: [String: String], error: SignatureConfigurationError) {
        #expect(throws: error) { try SignatureScheme(name: "hmac", settings: settings) }
    }

    @Test func templateParts() throws {
        #expect(try GenericHMAC.parts(fromTemplate: "{body}") == [.body])
        #expect(try GenericHMAC.parts(fromTemplate: "{method} {url}\n{body}") == [.method, .text(" "), .url, .text("\n"), .body])
        #expect(try GenericHMAC.parts(fromTemplate: "v1:{timestamp}:{body}:end") == [.text("v1:"), .timestamp, .text(":"), .body, .text(":end")])
    }

    @Test func settingsNeedASchemeName() {
        #expect(throws: SignatureConfigurationError.missingSetting(scheme: "signature", setting: "scheme")) {
            try SignatureScheme(settings: ["algorithm": "sha256"])
        }
    }

    @Test func toleranceIsASettingOfSchemesWithATimestamp() throws {
        let secret = [WebhookSecret("whsec_test")]
        for (text, seconds) in [("300", 300), ("45s", 45), ("10m", 600), ("1h", 3600), ("0", 0)] {
            #expect(try WebhookVerifier(name: "stripe", settings: ["tolerance": text], secrets: secret).tolerance == .seconds(seconds))
        }
        #expect(try WebhookVerifier(name: "stripe", settings: [:], secrets: secret).tolerance == .seconds(300))
        #expect(throws: SignatureConfigurationError.invalidSetting(scheme: "github", setting: "tolerance", reason: "does not apply: this scheme signs no timestamp")) {
            try WebhookVerifier(name: "github", settings: ["tolerance": "5m"], secrets: secret)
        }
        for bad in ["five minutes", "-5", "5d", "", "1.5m"] {
            #expect(throws: SignatureConfigurationError.self) {
                try WebhookVerifier(name: "stripe", settings: ["tolerance": bad], secrets: secret)
            }
        }
        #expect(throws: SignatureConfigurationError.invalidSetting(scheme: "stripe", setting: "tolerance", reason: "must be between 0 s and 7 days")) {
            try WebhookVerifier(name: "stripe", settings: ["tolerance": "200h"], secrets: secret)
        }
    }
}

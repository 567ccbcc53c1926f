import Crypto
import Foundation
import HookModel
import HookSignatures

/// The signature schemes no bundled rule uses — Square, Standard Webhooks, SendGrid and the generic HMAC — each
/// declared by a small rule of its own (`verify`) with a subscription holding its secret, written into a scratch
/// copy of the rules folder, and the cases ``ServeSignatureTests`` posts for them.
struct OtherSchemes {
    static let notificationURL = "https://hooks.example.com/hooks/test-square"
    static let standardWebhooksSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let hmacSettings = [
        "algorithm": "sha256", "encoding": "hex", "header": "X-Partner-Signature", "prefix": "sha256=",
        "signed": "{timestamp}.{body}", "timestamp_header": "X-Partner-Timestamp",
    ]

    let cases: [ServeSignatureTests.Case]

    init(_ copy: ScratchCopy) throws {
        let sendgridKey = P256.Signing.PrivateKey()
        let hmacVerify = Self.hmacSettings.sorted { $0.key < $1.key }
            .map { "\($0.key) = \"\($0.value)\"" }.joined(separator: ", ")
        for (integration, verify) in [
            ("squarelike", #""square""#), ("standardlike", #""standard-webhooks""#), ("sendgridlike", #""sendgrid""#),
            ("partner", "{ scheme = \"hmac\", \(hmacVerify) }"),
        ] {
            try copy.write("rules/\(integration).lua", """
                return rule {
                  verify = \(verify),
                  scopes = { "product/updated" },
                  event = field "type",
                  id = field "id",
                  on = { ["product.updated"] = "product/updated" },
                }
                """)
        }
        let subscriptions = try String(contentsOf: copy.rules.appendingPathComponent("subscriptions.yaml"), encoding: .utf8)
        try copy.write("rules/subscriptions.yaml", subscriptions + """

              - id: test-square
                integration: squarelike
                auth:
                  secrets: ["square-signature-key"]
                  settings: { notification_url: "\(Self.notificationURL)" }

              - id: test-standard
                integration: standardlike
                auth:
                  secrets: ["\(Self.standardWebhooksSecret)"]

              - id: test-sendgrid
                integration: sendgridlike
                auth:
                  secrets: ["\(sendgridKey.publicKey.derRepresentation.base64EncodedString())"]

              - id: test-partner
                integration: partner
                auth:
                  secrets: ["partner-secret"]

            """)

        func sample(_ id: Int) -> SampleHook {
            SampleHook(
                headers: ["Content-Type": "application/json"],
                body: Array(#"{"type":"product.updated","id":\#(id)}"#.utf8))
        }
        cases = [
            .init(
                sender: DemoSender(
                    subscription: "test-square",
                    credential: .signature(.square(notificationURL: Self.notificationURL), secret: "square-signature-key")),
                sample: sample(1), signatureHeader: "x-square-hmacsha256-signature"),
            .init(
                sender: DemoSender(
                    subscription: "test-standard",
                    credential: .signature(.standardWebhooks, secret: Self.standardWebhooksSecret)),
                sample: sample(2), deliveryHeader: "webhook-id", signatureHeader: "webhook-signature", timestamped: true),
            .init(
                sender: DemoSender(
                    subscription: "test-sendgrid", credential: .sendgrid(privateKey: sendgridKey.rawRepresentation)),
                sample: sample(3), signatureHeader: "X-Twilio-Email-Event-Webhook-Signature", timestamped: true),
            .init(
                sender: DemoSender(
                    subscription: "test-partner",
                    credential: .signature(
                        try SignatureScheme(name: "hmac", settings: Self.hmacSettings), secret: "partner-secret")),
                sample: sample(4), signatureHeader: "X-Partner-Signature", timestamped: true),
        ]
    }
}

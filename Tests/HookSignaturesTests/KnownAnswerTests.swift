import Foundation
import HookModel
import HookSignatures
import Testing

/// Each provider's published vectors, verified as received and reproduced by the signer where the signature is
/// deterministic. Sources, per vector; "(computed)" marks a vector with no public source, computed with Python's
/// `hmac` and cross-checked against the provider's documented construction (../shared/intake-facts.md §2).
@Suite struct KnownAnswerTests {
    func seconds(_ value: TimeInterval) -> Date { Date(timeIntervalSince1970: value) }

    /// GitHub Docs, "Validating webhook deliveries", section "Testing the webhook payload validation"
    /// (https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries).
    @Test func github() throws {
        let request = WebhookRequest(url: "https://example.com/hooks", body: Array("Hello, World!".utf8))
        let secret = WebhookSecret("It's a Secret to Everybody")
        let expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        try WebhookVerifier(scheme: .github, secrets: [secret]).verify(request.adding(header: "X-Hub-Signature-256", expected), now: Date())
        let signed = try WebhookSigner(scheme: .github, secret: secret).sign(request, at: Date())
        #expect(signed.value(of: "X-Hub-Signature-256") == expected)
    }

    /// The Standard Webhooks specification's vector, as in its reference libraries' tests
    /// (github.com/standard-webhooks/standard-webhooks, libraries/*/tests), and Svix's.
    @Test func standardWebhooks() throws {
        let secret = WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let request = WebhookRequest(url: "https://example.com/hooks", body: Array(#"{"test": 2432232314}"#.utf8))
        let received = request.adding(header: "webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek")
            .adding(header: "webhook-timestamp", "1614265330")
            .adding(header: "webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        try WebhookVerifier(scheme: .standardWebhooks, secrets: [secret]).verify(received, now: seconds(1_614_265_330))
        let signed = try WebhookSigner(scheme: .standardWebhooks, secret: secret)
            .sign(request, at: seconds(1_614_265_330), deliveryID: "msg_p5jXN8AQM9LWM0D4loKWxJek")
        #expect(signed.headers == received.headers)
    }

    /// HubSpot's client libraries' v3 vector: hubspot-api-python tests/spec/utils/test_signature.py and
    /// hubspot-api-ruby's signature spec (timestamp 15000000 ms; the body is their literal, single quotes and all).
    @Test func hubspotV3() throws {
        let secret = WebhookSecret("yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy")
        let request = WebhookRequest(
            method: "POST", url: "https://www.example.com/webhook_uri", body: Array("{'example_field':'example_value'}".utf8)
        )
        let received = request.adding(header: "X-HubSpot-Signature-v3", "HPW73RUtKmcYoEDADG0s6MmGFWUzWJKAW07r8RDgcQw=")
            .adding(header: "X-HubSpot-Request-Timestamp", "15000000")
        try WebhookVerifier(scheme: .hubspotV3, secrets: [secret]).verify(received, now: seconds(15_000))
        let signed = try WebhookSigner(scheme: .hubspotV3, secret: secret).sign(request, at: seconds(15_000))
        #expect(signed.value(of: "X-HubSpot-Signature-v3") == "HPW73RUtKmcYoEDADG0s6MmGFWUzWJKAW07r8RDgcQw=")
        #expect(signed.value(of: "X-HubSpot-Request-Timestamp") == "15000000")
    }

    /// Square's SDKs' webhook helper tests (square-python-sdk tests/utilities/test_webhooks_helper.py, and the same
    /// vectors in the Java, Node, PHP, Ruby and Go SDKs): a captured test notification, and a body with `>` and `<`.
    @Test(arguments: [
        (
            "https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9", "Ibxx_5AKakO-3qeNVR61Dw",
            #"{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}"#,
            "GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4="
        ),
        (
            "https://webhook.site/webhooks", "signature-key", #"{"data":{"type":"webhooks","id":">id<"}}"#,
            "Cxt7+aTi4rKgcA0bC4g9EHdVtLSDWdqccmL5MvihU4U="
        ),
    ])
    func square(notificationURL: String, key: String, body: String, signature: String) throws {
        let scheme = SignatureScheme.square(notificationURL: notificationURL)
        let request = WebhookRequest(url: "http://10.0.0.7:8080/hooks/demo-square", body: Array(body.utf8))
        try WebhookVerifier(scheme: scheme, secrets: [WebhookSecret(key)])
            .verify(request.adding(header: "x-square-hmacsha256-signature", signature), now: Date())
        let signed = try WebhookSigner(scheme: scheme, secret: WebhookSecret(key)).sign(request, at: Date())
        #expect(signed.value(of: "x-square-hmacsha256-signature") == signature)
    }

    /// SendGrid's helper libraries' Event Webhook tests (sendgrid-python test/test_eventwebhook.py; the same key,
    /// signature and payload in the Java, C#, Node, Ruby and Go libraries), with their failing key and signature.
    @Test func sendgrid() throws {
        let publicKey = WebhookSecret(
            "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA=="
        )
        let failingKey = WebhookSecret(
            "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqTxd43gyp8IOEto2LdIfjRQrIbsd4SXZkLW6jDutdhXSJCWHw8REntlo7aNDthvj+y7GjUuFDb/R1NGe1OPzpA=="
        )
        let request = WebhookRequest(
            url: "https://example.com/hooks",
            body: Array(#"{"category":"example_payload","event":"test_event","message_id":"message_id"}"#.utf8)
        )
        func received(_ signature: String) -> WebhookRequest {
            request.adding(header: "X-Twilio-Email-Event-Webhook-Signature", signature)
                .adding(header: "X-Twilio-Email-Event-Webhook-Timestamp", "1588788367")
        }
        let good = received("MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=")
        let bad = received("MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH3j/0=")
        let now = seconds(1_588_788_367)
        try WebhookVerifier(scheme: .sendgrid, secrets: [publicKey]).verify(good, now: now)
        #expect(throws: SignatureFailure.noSignatureMatched(signatures: 1, secrets: 1)) {
            try WebhookVerifier(scheme: .sendgrid, secrets: [failingKey]).verify(good, now: now)
        }
        #expect(throws: SignatureFailure.noSignatureMatched(signatures: 1, secrets: 1)) {
            try WebhookVerifier(scheme: .sendgrid, secrets: [publicKey]).verify(bad, now: now)
        }
        // Rotation: the failing key first, the right one second.
        let verification = try WebhookVerifier(scheme: .sendgrid, secrets: [failingKey, publicKey]).verify(good, now: now)
        #expect(verification.secretIndex == 1)
    }

    /// Shopify and WooCommerce (computed): base64 HMAC-SHA256 of the body with the secret's text.
    @Test(arguments: [(SignatureScheme.shopify, "X-Shopify-Hmac-Sha256"), (.woocommerce, "X-WC-Webhook-Signature")])
    func shopifyAndWooCommerce(scheme: SignatureScheme, header: String) throws {
        let request = WebhookRequest(url: "https://example.com/hooks", body: Array(#"{"id":820982911946154508,"email":"jon@example.com"}"#.utf8))
        let expected = "D0UMXmhjwBRi4y66TmhJrDlhQABD7zI2fm3p6/QLMo8="
        try WebhookVerifier(scheme: scheme, secrets: [WebhookSecret("hush")]).verify(request.adding(header: header, expected), now: Date())
        let signed = try WebhookSigner(scheme: scheme, secret: WebhookSecret("hush")).sign(request, at: Date())
        #expect(signed.value(of: header) == expected)
    }

    /// Stripe (computed): hex HMAC-SHA256 of `t.body` keyed with the whole `whsec_…` text.
    @Test func stripe() throws {
        let secret = WebhookSecret("whsec_test_secret")
        let request = WebhookRequest(url: "https://example.com/hooks", body: Array(#"{"id":"evt_test_webhook","object":"event"}"#.utf8))
        let expected = "t=1700000000,v1=d95c6b7477fbd7e9f90b1b0ef5f9c7ac25abca5382460e0d988c2b2a5b71b990"
        try WebhookVerifier(scheme: .stripe, secrets: [secret]).verify(request.adding(header: "Stripe-Signature", expected), now: signedAt)
        let signed = try WebhookSigner(scheme: .stripe, secret: secret).sign(request, at: signedAt)
        #expect(signed.value(of: "Stripe-Signature") == expected)
    }

    /// The generic HMAC (computed): SHA-512 hex with a prefix over the body; SHA-1 base64 over
    /// `{timestamp}.{body}` with a base64 secret and a millisecond timestamp.
    @Test func genericHMAC() throws {
        let request = WebhookRequest(url: "https://example.com/hooks", body: Array(#"{"id":"42"}"#.utf8))
        let plain = "sha512=7e9080b5df87a2ebd0f01ecb8917efa1d8cdb1bcf94e12abeec9286d1384d53600dc5de86261c0f59e35e02069237e78eb4fc05b48dc90a96cb362b69c36a026"
        try WebhookVerifier(scheme: SchemeFixture.genericPlain, secrets: [WebhookSecret("generic-secret")])
            .verify(request.adding(header: "X-Signature", plain), now: Date())
        let timestamped = request.adding(header: "X-Signature", "E1Uv+JmVd16z8OMPDsvougMaYd8=").adding(header: "X-Timestamp", "1700000000123")
        try WebhookVerifier(scheme: SchemeFixture.genericTimestamped, secrets: [WebhookSecret("c2VjcmV0LWtleS1ieXRlcw==")])
            .verify(timestamped, now: Date(timeIntervalSince1970: 1_700_000_000.123))
        let signed = try WebhookSigner(scheme: SchemeFixture.genericTimestamped, secret: WebhookSecret("c2VjcmV0LWtleS1ieXRlcw=="))
            .sign(request, at: Date(timeIntervalSince1970: 1_700_000_000.1235))
        #expect(signed.value(of: "X-Signature") == "E1Uv+JmVd16z8OMPDsvougMaYd8=")
        #expect(signed.value(of: "X-Timestamp") == "1700000000123")
    }
}

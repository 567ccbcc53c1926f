import Foundation
import HookSignatures
import Testing

/// What each provider signs besides the body, where receivers get it wrong.
@Suite struct ProviderDetailTests {
    /// Square signs the notification URL as registered: the URL the request reached (a proxy, an internal port)
    /// does not matter, a registered URL differing by one slash does.
    @Test func squareSignsTheRegisteredURLOnly() throws {
        let registered = SignatureScheme.square(notificationURL: "https://shop.example.com/hooks/square")
        let signed = try WebhookSigner(scheme: registered, secret: WebhookSecret("signature-key")).sign(delivery(), at: signedAt)
        var behindProxy = signed
        behindProxy.url = "http://10.1.2.3:8080/hooks/demo-square"
        try WebhookVerifier(scheme: registered, secrets: [WebhookSecret("signature-key")]).verify(behindProxy, now: signedAt)
        let withSlash = SignatureScheme.square(notificationURL: "https://shop.example.com/hooks/square/")
        #expect(throws: SignatureFailure.noSignatureMatched(signatures: 1, secrets: 1)) {
            try WebhookVerifier(scheme: withSlash, secrets: [WebhookSecret("signature-key")]).verify(signed, now: signedAt)
        }
    }

    /// HubSpot v3 signs the full URI with its query string, with `%3A`, `%2F` (and the other characters its docs
    /// list) unescaped, other escapes (`%20`, `%25`) kept. Vector computed with Python's `hmac` over
    /// `POST` + the unescaped URI + body + timestamp.
    @Test func hubspotSignsTheURIWithItsQueryString() throws {
        let verifier = try WebhookVerifier(scheme: .hubspotV3, secrets: [WebhookSecret("yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy")])
        let request = WebhookRequest(
            method: "POST", url: "https://www.example.com/webhook_uri?portalId=62515&next=https%3A%2F%2Fexample.com%2Fa%20b%253A",
            headers: ["X-HubSpot-Request-Timestamp": "1700000000123"], body: Array(#"[{"eventId":1,"subscriptionId":12345}]"#.utf8)
        )
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        try verifier.verify(request.adding(header: "X-HubSpot-Signature-v3", "XIffJlTzHhHw6bmcYOCxvx4ry2FyvhszIO7YQno6/Ic="), now: now)
        // The same request signed over the URI as escaped on the wire: not what HubSpot signs.
        #expect(throws: SignatureFailure.noSignatureMatched(signatures: 1, secrets: 1)) {
            try verifier.verify(request.adding(header: "X-HubSpot-Signature-v3", "eRXFvtDni26uHbrLmg6PhQXG4H19xNJHfD872jRjlBE="), now: now)
        }
        var reordered = request.adding(header: "X-HubSpot-Signature-v3", "XIffJlTzHhHw6bmcYOCxvx4ry2FyvhszIO7YQno6/Ic=")
        reordered.url = "https://www.example.com/webhook_uri?next=https%3A%2F%2Fexample.com%2Fa%20b%253A&portalId=62515"
        #expect(throws: SignatureFailure.noSignatureMatched(signatures: 1, secrets: 1)) { try verifier.verify(reordered, now: now) }
    }

    @Test func hubspotSignsTheMethod() throws {
        let fixture = try #require(SchemeFixture.all.first { $0.scheme == .hubspotV3 })
        var signed = try fixture.signed(delivery())
        signed.method = "PUT"
        #expect(throws: SignatureFailure.noSignatureMatched(signatures: 1, secrets: 1)) {
            try fixture.verifier().verify(signed, now: signedAt)
        }
    }

    @Test func genericTemplateSignsMethodURLAndDeliveryID() throws {
        let fixture = try #require(SchemeFixture.all.first { $0.scheme == SchemeFixture.genericEverything })
        let signed = try fixture.signed(delivery())
        var otherURL = signed
        otherURL.url += "&extra=1"
        var otherMethod = signed
        otherMethod.method = "PATCH"
        let otherID = signed.removing(header: "X-Sig-Id").adding(header: "X-Sig-Id", "another-delivery")
        for changed in [otherURL, otherMethod, otherID] {
            #expect(throws: SignatureFailure.noSignatureMatched(signatures: 1, secrets: 1)) {
                try fixture.verifier().verify(changed, now: signedAt)
            }
        }
    }

    /// Standard Webhooks secrets work with or without `whsec_`, as the specification's libraries accept them.
    @Test func standardWebhooksSecretWithoutItsPrefix() throws {
        let fixture = try #require(SchemeFixture.all.first { $0.scheme == .standardWebhooks })
        let bare = WebhookSecret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        try WebhookVerifier(scheme: .standardWebhooks, secrets: [bare]).verify(try fixture.signed(delivery()), now: signedAt)
    }

    @Test func signerKeepsADeliveryIDTheRequestCarries() throws {
        let signer = try WebhookSigner(scheme: .standardWebhooks, secret: WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        let captured = delivery().adding(header: "Webhook-Id", "msg_captured").adding(header: "webhook-signature", "v1,stale")
        let resent = signer.sign(captured, at: signedAt)
        #expect(resent.value(of: "webhook-id") == "msg_captured")
        #expect(resent.headers.fields.filter { $0.name.lowercased() == "webhook-signature" }.count == 1)
        #expect(resent.value(of: "webhook-signature") != "v1,stale")
        #expect(resent.value(of: "Content-Type") == "application/json")
        let fresh = signer.sign(delivery(), at: signedAt)
        #expect(fresh.value(of: "webhook-id")?.hasPrefix("msg_") == true)
        #expect(signer.sign(captured, at: signedAt, deliveryID: "msg_given").value(of: "webhook-id") == "msg_given")
    }

    @Test func sendgridOnlyVerifies() throws {
        #expect(!SignatureScheme.sendgrid.canSign)
        #expect(throws: SignatureConfigurationError.signingUnsupported(scheme: "sendgrid")) {
            try WebhookSigner(scheme: .sendgrid, secret: SchemeFixture.sendgrid.secrets[0])
        }
        for fixture in SchemeFixture.hmac { #expect(fixture.scheme.canSign) }
    }

    @Test func headerNamesPerScheme() {
        #expect(SignatureScheme.github.headerNames == ["X-Hub-Signature-256"])
        #expect(SignatureScheme.stripe.headerNames == ["Stripe-Signature"])
        #expect(SignatureScheme.hubspotV3.headerNames == ["X-HubSpot-Signature-v3", "X-HubSpot-Request-Timestamp"])
        #expect(SignatureScheme.standardWebhooks.headerNames == ["webhook-signature", "webhook-timestamp", "webhook-id"])
        #expect(SignatureScheme.sendgrid.headerNames == ["X-Twilio-Email-Event-Webhook-Signature", "X-Twilio-Email-Event-Webhook-Timestamp"])
    }
}

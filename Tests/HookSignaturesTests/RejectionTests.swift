import Foundation
import HookModel
import HookSignatures
import Testing

/// What every scheme refuses: a changed body, another secret, a missing or contradictory header, and a body that
/// was parsed and pretty-printed again (only the raw bytes verify).
@Suite struct RejectionTests {
    @Test(arguments: SchemeFixture.all)
    func signedDeliveryVerifies(fixture: SchemeFixture) throws {
        let verification = try fixture.verifier().verify(try fixture.signed(delivery()), now: signedAt)
        #expect(verification.secretIndex == 0)
    }

    @Test(arguments: SchemeFixture.all)
    func tamperedBodyFails(fixture: SchemeFixture) throws {
        var tampered = try fixture.signed(delivery())
        tampered.body = Array(#"{"id":820982911946154509,"email":"jon@example.com"}"#.utf8)
        #expect(throws: SignatureFailure.noSignatureMatched(signatures: 1, secrets: 1)) {
            try fixture.verifier().verify(tampered, now: signedAt)
        }
    }

    @Test(arguments: SchemeFixture.all)
    func wrongSecretFails(fixture: SchemeFixture) throws {
        let signed = try fixture.signed(delivery(), secret: 1)
        #expect(throws: SignatureFailure.noSignatureMatched(signatures: 1, secrets: 1)) {
            try fixture.verifier(secrets: [0]).verify(signed, now: signedAt)
        }
    }

    @Test(arguments: SchemeFixture.all)
    func prettyPrintedBodyFails(fixture: SchemeFixture) throws {
        var reserialised = try fixture.signed(delivery(body: #"{"email":"jon@example.com","name":"Jon"}"#))
        let object = try JSONSerialization.jsonObject(with: Data(reserialised.body))
        reserialised.body = Array(try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]))
        #expect(reserialised.body.count > delivery(body: #"{"email":"jon@example.com","name":"Jon"}"#).body.count)
        #expect(throws: SignatureFailure.noSignatureMatched(signatures: 1, secrets: 1)) {
            try fixture.verifier().verify(reserialised, now: signedAt)
        }
    }

    @Test(arguments: SchemeFixture.all)
    func everyMissingHeaderIsNamed(fixture: SchemeFixture) throws {
        let signed = try fixture.signed(delivery())
        #expect(!fixture.scheme.headerNames.isEmpty)
        for name in fixture.scheme.headerNames {
            #expect(throws: SignatureFailure.missingHeader(name)) {
                try fixture.verifier().verify(signed.removing(header: name), now: signedAt)
            }
        }
    }

    @Test(arguments: SchemeFixture.all)
    func headerGivenTwiceWithDifferentValuesFails(fixture: SchemeFixture) throws {
        let signed = try fixture.signed(delivery())
        let other = try fixture.signed(delivery(body: "{}"), at: signedAt.addingTimeInterval(1))
        for name in fixture.scheme.headerNames {
            let value = try #require(other.value(of: name))
            let twice = signed.adding(header: name.uppercased(), value)
            #expect(throws: SignatureFailure.conflictingHeader(name)) {
                try fixture.verifier().verify(twice, now: signedAt)
            }
        }
    }

    @Test(arguments: SchemeFixture.all)
    func headerRepeatedWithTheSameValueCountsOnce(fixture: SchemeFixture) throws {
        var signed = try fixture.signed(delivery())
        for name in fixture.scheme.headerNames {
            signed = signed.adding(header: name.lowercased(), try #require(signed.value(of: name)))
        }
        try fixture.verifier().verify(signed, now: signedAt)
    }

    @Test(arguments: SchemeFixture.all)
    func emptySignatureHeaderIsMalformed(fixture: SchemeFixture) throws {
        let name = fixture.scheme.headerNames[0]
        let emptied = try fixture.signed(delivery()).removing(header: name).adding(header: name, "  ")
        #expect(throws: SignatureFailure.malformedHeader(name, reason: "is empty")) {
            try fixture.verifier().verify(emptied, now: signedAt)
        }
    }

    @Test(arguments: [
        ("does not start with \"sha256=\"", SignatureScheme.github, "X-Hub-Signature-256", "sha1=00"),
        ("is not hex", .github, "X-Hub-Signature-256", "sha256=abc"),
        ("is not base64", .shopify, "X-Shopify-Hmac-Sha256", "not base64!"),
        ("has no v1= signature", .stripe, "Stripe-Signature", "t=1700000000,v0=abcd"),
        ("has no t=", .stripe, "Stripe-Signature", "v1=abcd"),
        ("has more than one t=", .stripe, "Stripe-Signature", "t=1,t=2,v1=abcd"),
        ("has a v1= that is not hex", .stripe, "Stripe-Signature", "t=1700000000,v1=xyz"),
        ("has an element without \"=\"", .stripe, "Stripe-Signature", "t=1700000000,v1"),
        ("has no v1 signature", .standardWebhooks, "webhook-signature", "v1a,abcd v2,abcd"),
        ("has a v1 signature that is not base64", .standardWebhooks, "webhook-signature", "v1,***"),
        ("has an entry without a version", .standardWebhooks, "webhook-signature", "abcd"),
        ("has a timestamp that is not a whole number", .stripe, "Stripe-Signature", "t=soon,v1=abcd"),
        ("is not a base64 DER ECDSA signature", .sendgrid, "X-Twilio-Email-Event-Webhook-Signature", "aGVsbG8="),
    ])
    func garbledHeadersAreMalformed(reason: String, scheme: SignatureScheme, header: String, value: String) throws {
        let fixture = try #require(SchemeFixture.all.first { $0.scheme == scheme })
        let garbled = try fixture.signed(delivery()).removing(header: header).adding(header: header, value)
        #expect(throws: SignatureFailure.malformedHeader(header, reason: reason)) {
            try fixture.verifier().verify(garbled, now: signedAt)
        }
    }

    @Test(arguments: SchemeFixture.timestamped.filter { $0.scheme != .stripe })
    func garbledTimestampIsMalformed(fixture: SchemeFixture) throws {
        let signed = try fixture.signed(delivery())
        let header = try #require(fixture.scheme.headerNames.first { $0.lowercased().contains("time") })
        for garbage in ["soon", "-1700000000", "1700000000.5", "99999999999999999999"] {
            #expect(throws: SignatureFailure.malformedHeader(header, reason: "has a timestamp that is not a whole number")) {
                try fixture.verifier().verify(signed.removing(header: header).adding(header: header, garbage), now: signedAt)
            }
        }
    }

    @Test func stripeTimestampIsPartOfTheSignature() throws {
        let fixture = try #require(SchemeFixture.all.first { $0.scheme == .stripe })
        let signed = try fixture.signed(delivery())
        let value = try #require(signed.value(of: "Stripe-Signature"))
        let moved = value.replacingOccurrences(of: "t=1700000000", with: "t=1700000001")
        #expect(throws: SignatureFailure.noSignatureMatched(signatures: 1, secrets: 1)) {
            try fixture.verifier().verify(signed.removing(header: "Stripe-Signature").adding(header: "Stripe-Signature", moved), now: signedAt)
        }
    }

    @Test func failuresNeverEchoAHeaderValue() throws {
        let fixture = try #require(SchemeFixture.all.first { $0.scheme == .github })
        let forged = delivery().adding(header: "X-Hub-Signature-256", "sha1=SENTINEL")
        do {
            try fixture.verifier().verify(forged, now: signedAt)
            Issue.record("a forged signature verified")
        } catch {
            #expect(!"\(error)".contains("SENTINEL"))
        }
    }
}

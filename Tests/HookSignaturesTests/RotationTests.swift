import Foundation
import HookSignatures
import Testing

/// While a secret is rotated, the old and the new one both verify: several secrets on our side, and on the
/// provider's side several signatures in one header (Stripe, Standard Webhooks) during its own roll.
@Suite struct RotationTests {
    @Test(arguments: SchemeFixture.all)
    func anyOfSeveralSecretsVerifiesAndSaysWhich(fixture: SchemeFixture) throws {
        let verifier = try fixture.verifier(secrets: [0, 1])
        #expect(try verifier.verify(try fixture.signed(delivery(), secret: 0), now: signedAt).secretIndex == 0)
        #expect(try verifier.verify(try fixture.signed(delivery(), secret: 1), now: signedAt).secretIndex == 1)
        #expect(verifier.secretCount == 2)
    }

    @Test(arguments: SchemeFixture.all)
    func aRetiredSecretNoLongerVerifies(fixture: SchemeFixture) throws {
        let signedWithOld = try fixture.signed(delivery(), secret: 1)
        #expect(throws: SignatureFailure.noSignatureMatched(signatures: 1, secrets: 1)) {
            try fixture.verifier(secrets: [0]).verify(signedWithOld, now: signedAt)
        }
    }

    @Test func stripeHeaderWithSignaturesForTwoSecrets() throws {
        let fixture = try #require(SchemeFixture.all.first { $0.scheme == .stripe })
        let new = try #require(try fixture.signed(delivery(), secret: 0).value(of: "Stripe-Signature"))
        let old = try #require(try fixture.signed(delivery(), secret: 1).value(of: "Stripe-Signature"))
        // As Stripe sends it while rolling: one t, a v1 per secret, and a v0 for test mode.
        let header = "\(old),\(new.split(separator: ",")[1]),v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39"
        let both = delivery().adding(header: "Stripe-Signature", header)
        #expect(try fixture.verifier(secrets: [0]).verify(both, now: signedAt).secretIndex == 0)
        #expect(try fixture.verifier(secrets: [1]).verify(both, now: signedAt).secretIndex == 0)
        let stranger = try WebhookVerifier(scheme: .stripe, secrets: [WebhookSecret("whsec_stranger")])
        #expect(throws: SignatureFailure.noSignatureMatched(signatures: 2, secrets: 1)) {
            try stranger.verify(both, now: signedAt)
        }
    }

    @Test func standardWebhooksHeaderWithSeveralSignatures() throws {
        let fixture = try #require(SchemeFixture.all.first { $0.scheme == .standardWebhooks })
        let new = try fixture.signed(delivery(), secret: 0)
        let old = try WebhookSigner(scheme: .standardWebhooks, secret: fixture.secrets[1])
            .sign(new, at: signedAt, deliveryID: new.value(of: "webhook-id"))
        let header = [
            try #require(old.value(of: "webhook-signature")), "v1a,c2lnbmVkIHdpdGggZWQyNTUxOQ==",
            try #require(new.value(of: "webhook-signature")),
        ].joined(separator: " ")
        let both = new.removing(header: "webhook-signature").adding(header: "webhook-signature", header)
        #expect(try fixture.verifier(secrets: [0]).verify(both, now: signedAt).secretIndex == 0)
        #expect(try fixture.verifier(secrets: [1, 0]).verify(both, now: signedAt).secretIndex == 0)
        let stranger = try WebhookVerifier(scheme: .standardWebhooks, secrets: [WebhookSecret("whsec_c3RyYW5nZXI=")])
        #expect(throws: SignatureFailure.noSignatureMatched(signatures: 2, secrets: 1)) {
            try stranger.verify(both, now: signedAt)
        }
    }
}

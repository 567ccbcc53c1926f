import Foundation
import HookModel
import HookSignatures
import Testing

@Suite struct BearerKeysTests {
    let keys = try! BearerKeys([WebhookSecret("key-new-0123456789"), WebhookSecret("key-old-9876543210")])

    func request(_ authorization: String?) -> WebhookRequest {
        var request = delivery()
        if let authorization { request = request.adding(header: "Authorization", authorization) }
        return request
    }

    @Test func eitherKeyPassesDuringARotation() throws {
        #expect(try keys.verify(request("Bearer key-new-0123456789").headers).secretIndex == 0)
        #expect(try keys.verify(request("bearer   key-old-9876543210 ").headers).secretIndex == 1)
    }

    @Test func wrongMissingAndGarbledKeysFail() {
        #expect(throws: SignatureFailure.bearerKeyNotAccepted) { try keys.verify(request("Bearer key-new-012345678").headers) }
        #expect(throws: SignatureFailure.bearerKeyNotAccepted) { try keys.verify(request("Bearer key-new-0123456789x").headers) }
        #expect(throws: SignatureFailure.missingHeader("Authorization")) { try keys.verify(request(nil).headers) }
        #expect(throws: SignatureFailure.malformedHeader("Authorization", reason: "is not a Bearer credential")) {
            try keys.verify(request("Basic a2V5OnNlY3JldA==").headers)
        }
        #expect(throws: SignatureFailure.malformedHeader("Authorization", reason: "is not a Bearer credential")) {
            try keys.verify(request("Bearer").headers)
        }
        let twice = request("Bearer key-new-0123456789").adding(header: "authorization", "Bearer key-old-9876543210")
        #expect(throws: SignatureFailure.conflictingHeader("Authorization")) { try keys.verify(twice.headers) }
    }

    @Test func aRejectedKeyIsNeverEchoed() {
        do {
            try keys.verify(request("Bearer SENTINEL-of-another-subscription").headers)
            Issue.record("an unknown key passed")
        } catch {
            #expect(!"\(error)".contains("SENTINEL"))
        }
    }

    @Test func keysAreCheckedAtLoad() {
        #expect(throws: SignatureConfigurationError.noSecrets(scheme: "bearer")) { try BearerKeys([]) }
        #expect(throws: SignatureConfigurationError.badSecret(scheme: "bearer", position: 1, reason: "must be printable ASCII without spaces")) {
            try BearerKeys([WebhookSecret("two words")])
        }
    }

    @Test func clientHeaderRoundTrips() throws {
        let headers = BearerKeys.authorization(WebhookSecret("key-old-9876543210"))
        #expect(try keys.verify(headers).secretIndex == 1)
    }
}

@Suite struct RequestAuthenticatorTests {
    let github = try! SchemeFixture.all.first { $0.scheme == .github }!.verifier()
    let bearer = try! BearerKeys([WebhookSecret("api-key-0123456789")])

    @Test func noAuthenticationMustBeAskedFor() {
        #expect(throws: SignatureConfigurationError.noAuthentication) { try RequestAuthenticator() }
        #expect(RequestAuthenticator.none.isNone)
    }

    @Test func noneAcceptsAnything() throws {
        try RequestAuthenticator.none.authenticate(delivery(), now: signedAt)
    }

    @Test func bothAreRequiredWhenBothAreGiven() throws {
        let fixture = try #require(SchemeFixture.all.first { $0.scheme == .github })
        let authenticator = try RequestAuthenticator(bearer: bearer, signature: github)
        #expect(!authenticator.isNone)
        let signed = try fixture.signed(delivery())
        try authenticator.authenticate(signed.adding(header: "Authorization", "Bearer api-key-0123456789"), now: signedAt)
        #expect(throws: SignatureFailure.missingHeader("Authorization")) { try authenticator.authenticate(signed, now: signedAt) }
        #expect(throws: SignatureFailure.missingHeader("X-Hub-Signature-256")) {
            try authenticator.authenticate(delivery().adding(header: "Authorization", "Bearer api-key-0123456789"), now: signedAt)
        }
    }

    @Test func eitherAloneIsEnough() throws {
        let fixture = try #require(SchemeFixture.all.first { $0.scheme == .github })
        try RequestAuthenticator(signature: github).authenticate(try fixture.signed(delivery()), now: signedAt)
        try RequestAuthenticator(bearer: bearer)
            .authenticate(delivery().adding(header: "Authorization", "Bearer api-key-0123456789"), now: signedAt)
    }
}

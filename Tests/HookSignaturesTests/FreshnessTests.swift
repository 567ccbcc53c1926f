import Foundation
import HookSignatures
import Testing

/// Schemes that sign a timestamp refuse a genuine delivery outside the window, either way: a replay or a clock far
/// behind (too old), a clock far ahead (in the future). The window's edge itself passes.
@Suite struct FreshnessTests {
    static let tolerance = WebhookVerifier.defaultTolerance

    @Test(arguments: SchemeFixture.timestamped)
    func justInsideTheWindowPasses(fixture: SchemeFixture) throws {
        let signed = try fixture.signed(delivery())
        for offset in [-300.0, -299, 0, 299, 300] {
            try fixture.verifier().verify(signed, now: signedAt.addingTimeInterval(offset))
        }
    }

    @Test(arguments: SchemeFixture.timestamped)
    func oneSecondPastTheWindowIsTooOld(fixture: SchemeFixture) throws {
        let signed = try fixture.signed(delivery())
        let header = try #require(timestampHeader(of: fixture))
        #expect(throws: SignatureFailure.timestampTooOld(header: header, age: .seconds(301), tolerance: Self.tolerance)) {
            try fixture.verifier().verify(signed, now: signedAt.addingTimeInterval(301))
        }
    }

    @Test(arguments: SchemeFixture.timestamped)
    func oneSecondAheadOfTheWindowIsInTheFuture(fixture: SchemeFixture) throws {
        let signed = try fixture.signed(delivery())
        let header = try #require(timestampHeader(of: fixture))
        #expect(throws: SignatureFailure.timestampInFuture(header: header, ahead: .seconds(301), tolerance: Self.tolerance)) {
            try fixture.verifier().verify(signed, now: signedAt.addingTimeInterval(-301))
        }
    }

    @Test(arguments: SchemeFixture.timestamped)
    func aConfiguredToleranceIsUsed(fixture: SchemeFixture) throws {
        let signed = try fixture.signed(delivery())
        let verifier = try fixture.verifier(tolerance: .seconds(30))
        try verifier.verify(signed, now: signedAt.addingTimeInterval(30))
        #expect(throws: SignatureFailure.self) { try verifier.verify(signed, now: signedAt.addingTimeInterval(31)) }
    }

    /// A forged request with a stale timestamp is reported as unsigned, not as stale: the signature is checked first.
    @Test(arguments: SchemeFixture.timestamped)
    func aStaleForgeryIsReportedAsUnsigned(fixture: SchemeFixture) throws {
        var forged = try fixture.signed(delivery())
        forged.body.append(UInt8(ascii: " "))
        #expect(throws: SignatureFailure.noSignatureMatched(signatures: 1, secrets: 1)) {
            try fixture.verifier().verify(forged, now: signedAt.addingTimeInterval(3600))
        }
    }

    /// HubSpot signs milliseconds: a millisecond past the window is too old.
    @Test func hubspotCountsMilliseconds() throws {
        let fixture = try #require(SchemeFixture.all.first { $0.scheme == .hubspotV3 })
        let signed = try fixture.signed(delivery(), at: Date(timeIntervalSince1970: 1_700_000_000.250))
        #expect(signed.value(of: "X-HubSpot-Request-Timestamp") == "1700000000250")
        try fixture.verifier().verify(signed, now: Date(timeIntervalSince1970: 1_700_000_300.250))
        #expect(throws: SignatureFailure.timestampTooOld(header: "X-HubSpot-Request-Timestamp", age: .milliseconds(300_001), tolerance: Self.tolerance)) {
            try fixture.verifier().verify(signed, now: Date(timeIntervalSince1970: 1_700_000_300.2515))
        }
    }

    @Test func schemesWithoutTimestampAcceptOldDeliveries() throws {
        for fixture in SchemeFixture.all where !fixture.scheme.hasTimestamp {
            try fixture.verifier().verify(try fixture.signed(delivery()), now: signedAt.addingTimeInterval(86_400 * 365))
        }
    }

    private func timestampHeader(of fixture: SchemeFixture) -> String? {
        fixture.scheme.headerNames.first { $0.lowercased().contains("time") || $0 == "Stripe-Signature" }
    }
}

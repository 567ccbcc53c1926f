import Foundation
import HookSignatures
import PropertyBased
import Testing

/// Over generated bodies, times and delivery ids: what a scheme signs, it verifies; change any byte of the body and
/// it no longer does.
@Suite struct RoundTripPropertyTests {
    static let bodies = Gen.uint8().array(of: 0...600)
    static let times = Gen.int64(in: 946_684_800...4_102_444_800)
    static let ids = Gen.letterOrNumber.string(of: 1...40)

    @Test(arguments: SchemeFixture.all)
    func signedVerifies(fixture: SchemeFixture) async {
        await propertyCheck(count: 60, input: Self.bodies, Self.times, Self.ids) { body, seconds, id in
            let time = Date(timeIntervalSince1970: TimeInterval(seconds))
            var request = WebhookRequest(url: "https://example.com/hooks/\(id)?q=\(id)", body: body)
            request.headers.add("webhook-id", "msg_\(id)")
            try fixture.verifier().verify(try fixture.signed(request, at: time), now: time)
        }
    }

    @Test(arguments: SchemeFixture.all)
    func anyChangedByteFails(fixture: SchemeFixture) async {
        await propertyCheck(count: 60, input: Self.bodies.filter { !$0.isEmpty }, Gen.int(in: 0...599), Gen.uint8(in: 1...255)) {
            body, position, flip in
            var signed = try fixture.signed(WebhookRequest(url: "https://example.com/hooks", body: body))
            signed.body[position % body.count] ^= flip
            #expect(throws: SignatureFailure.noSignatureMatched(signatures: 1, secrets: 1)) {
                try fixture.verifier().verify(signed, now: signedAt)
            }
        }
    }
}

import Foundation
import HookModel
import HookRulesConfig
import HookSignatures

/// One bundled capture as the benchmark posts it: to its subscription's endpoint, with its captured headers (those of
/// the connection left out: wrk sets its own) and exact body, signed as its provider signs (``credentials``).
struct CaptureTemplate: Sendable {
    /// The capture file, for messages.
    let capture: String
    let subscription: Subscription
    /// `/hooks/<subscription>` and the capture's query, as the request line carries it.
    let target: String
    let headers: [(name: String, value: String)]
    let body: [UInt8]
    let credentials: SenderCredentials
    /// Where the rule reads the delivery id, when it reads one; nil: every post of this capture is a new hook anyway.
    let delivery: DeliverySlot?

    /// The request as sent to a server at `base` (`http://127.0.0.1:8080`), signed at `time`.
    func request(base: String, at time: Date) -> WebhookRequest {
        credentials.signed(
            WebhookRequest(url: base + target, headers: HTTPHeaders(headers), body: body), at: time)
    }

    /// Headers of the captured connection, not of the hook: the client sets its own.
    static let connectionHeaders: Set<String> = ["host", "content-length", "connection", "transfer-encoding", "keep-alive"]
}

/// Where a capture carries the delivery id its rule reads (`delivery = header ...` or `field ...`), so each post can
/// carry a fresh one: without, the server rightly answers every post after the first as a redelivery.
struct DeliverySlot: Sendable {
    enum Place: Sendable, Equatable {
        /// The value of this header.
        case header(String)
        /// These bytes of the body: a JSON string's contents.
        case body(Range<Int>)
    }

    /// The captured id.
    let original: String
    let place: Place
    /// Whether the signature covers the id (Stripe signs the body that holds it): then every fresh id needs its own
    /// signature, made by the driver; otherwise the wrk script makes fresh ids itself.
    let signed: Bool

    /// `request` with `id` in this slot instead of the captured one (its signature headers unchanged).
    func placing(_ id: String, in request: WebhookRequest) -> WebhookRequest {
        var changed = request
        switch place {
        case .header(let name):
            changed.headers = HTTPHeaders(request.headers.fields.map {
                $0.name.lowercased() == name.lowercased() ? (name: $0.name, value: id) : $0
            })
        case .body(let range):
            changed.body = Array(request.body[..<range.lowerBound]) + Array(id.utf8) + Array(request.body[range.upperBound...])
        }
        return changed
    }
}

extension DeliverySlot {
    /// Finds `id` in a signed request: a header whose value it is, else the one JSON string of the body that it is.
    /// - Throws: when it is in neither, or in several strings of the body (a fresh id would have to go in each).
    static func locate(_ id: String, in request: WebhookRequest, capture: String) throws -> Place {
        if let field = request.headers.fields.first(where: { $0.value == id }) { return .header(field.name) }
        let quoted = Array("\"\(id)\"".utf8)
        var found: [Range<Int>] = []
        var start = 0
        while start + quoted.count <= request.body.count {
            if request.body[start..<start + quoted.count].elementsEqual(quoted) {
                found.append(start + 1..<start + quoted.count - 1)
                start += quoted.count
            } else {
                start += 1
            }
        }
        guard found.count == 1 else {
            throw BenchmarkFailure(
                "\(capture): its rule reads delivery id \"\(id)\", found in no header and in \(found.count) JSON strings of "
                    + "the body (one is needed to give each post a fresh id)")
        }
        return .body(found[0])
    }
}

import HookModel

/// The requests both sides write. Ids are distinct, so nothing coalesces.
enum BenchmarkRequests {
    /// How a batch's keys lie in the coalescing index.
    enum Shape: String {
        /// One subscription per batch of 100, ascending ids: a bulk import, or a hook carrying many records.
        case ordered
        /// Seven subscriptions mixed in every batch, ids scattered over the whole key space: unrelated hooks.
        case scattered
    }

    /// The references' column list for a request, in the order both bind its values. Written out here, not taken
    /// from the queue's `RequestColumns`: a reference must not share what it measures.
    static let columns = """
        subscription, integration, scope, direction, external_id, child_request, parent_kind, parent_external_id, \
        origin_kind, origin_external_id, delete_triggered, hook_id, debug
        """
    static let columnCount = 13

    static func request(_ n: Int, _ shape: Shape) -> TransferRequest {
        let (subscription, id) = switch shape {
        case .ordered: ((n / 100) % 7, UInt64(7_000_000_000 + n))
        case .scattered: (n % 7, scatter(UInt64(n)))
        }
        return TransferRequest(
            subscription: "shop-\(subscription)", integration: "shopify",
            scope: Scope(collection: "product", action: .updated), externalId: String(id), hookId: "bench/\(n)"
        )
    }

    static func batch(from first: Int, count: Int, _ shape: Shape) -> [TransferRequest] {
        (first..<first + count).map { request($0, shape) }
    }

    /// SplitMix64's finaliser: a bijection, so distinct inputs give distinct, well-spread ids.
    private static func scatter(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

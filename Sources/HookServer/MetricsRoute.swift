import CoreMetrics
import HookQueue
import Hummingbird
import NIOCore
import Prometheus

/// `/metrics`: every metric of this server in Prometheus' text format, with the queue's depth by state read at
/// scrape time.
struct MetricsRoute<Context: RequestContext>: Sendable {
    let registry: PrometheusCollectorRegistry
    let queue: any TransferQueue

    func add(to router: Router<Context>) {
        router.get("/metrics") { _, _ in await scrape() }
    }

    static var queueRequests: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "hookrules", metricName: "queue_requests", unitName: "",
            helpText: "Requests in the queue, by state, as the last scrape read them.")
    }

    private func scrape() async -> Response {
        if let stats = try? await queue.stats() {
            let total = stats.total
            for (state, count) in [("pending", total.pending), ("claimed", total.claimed), ("dead", total.dead)] {
                registry.makeGauge(descriptor: Self.queueRequests, labels: [("state", state)]).set(Double(count))
            }
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
    }
}

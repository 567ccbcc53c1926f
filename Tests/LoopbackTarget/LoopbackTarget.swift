import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A real HTTP/1.1 server on 127.0.0.1 and a free port, for tests of the workers' HTTP target: it records every
/// request it receives and answers as the test's responder says.
public final class LoopbackTarget: Sendable {
    /// One request as received.
    public struct Received: Sendable {
        public let method: String
        public let uri: String
        public let headers: [(String, String)]
        public let body: Data

        public func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    /// What to answer.
    public struct Reply: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: String
        /// Wait this long before answering (a slow target).
        public var delay: Duration
        /// Send the status line and headers (after `delay`), then wait this long before the body (a target that
        /// stalls mid-response).
        public var bodyDelay: Duration

        public init(
            status: Int, headers: [(String, String)] = [], body: String = "", delay: Duration = .zero,
            bodyDelay: Duration = .zero
        ) {
            self.status = status
            self.headers = headers
            self.body = body
            self.delay = delay
            self.bodyDelay = bodyDelay
        }

        public static let ok = Reply(status: 200)
    }

    public typealias Responder = @Sendable (Received) -> Reply

    private let channel: any Channel
    private let recorder: Recorder
    public let port: Int

    public var url: String { "http://127.0.0.1:\(port)/transfers" }

    /// Every request received so far, in arrival order.
    public var received: [Received] { recorder.log.withLock { $0 } }

    private init(channel: any Channel, recorder: Recorder) {
        self.channel = channel
        self.recorder = recorder
        port = channel.localAddress?.port ?? 0
    }

    /// Starts a server answering with `responder` (200 by default).
    public static func start(_ responder: @escaping Responder = { _ in .ok }) async throws -> LoopbackTarget {
        let recorder = Recorder()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(RequestHandler(responder: responder, recorder: recorder))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return LoopbackTarget(channel: channel, recorder: recorder)
    }

    public func stop() async throws {
        try await channel.close()
    }
}

/// The requests received, shared by the connections' handlers.
private final class Recorder: Sendable {
    let log = Mutex<[LoopbackTarget.Received]>([])

    func record(_ request: LoopbackTarget.Received) {
        log.withLock { $0.append(request) }
    }
}

private final class RequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let responder: LoopbackTarget.Responder
    private let recorder: Recorder
    private var head: HTTPRequestHead?
    private var body = Data()

    init(responder: @escaping LoopbackTarget.Responder, recorder: Recorder) {
        self.responder = responder
        self.recorder = recorder
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(head):
            self.head = head
            body = Data()
        case var .body(buffer):
            body.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
        case .end:
            guard let head else { return }
            let received = LoopbackTarget.Received(
                method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) }, body: body)
            recorder.record(received)
            let reply = responder(received)
            let keepAlive = head.isKeepAlive
            let version = head.version
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: Self.timeAmount(reply.delay)) {
                Self.writeHead(reply, version: version, keepAlive: keepAlive, context: loopBound.value)
                guard reply.bodyDelay > .zero else {
                    Self.writeBody(reply, keepAlive: keepAlive, context: loopBound.value)
                    return
                }
                loopBound.value.flush()
                loopBound.value.eventLoop.scheduleTask(in: Self.timeAmount(reply.bodyDelay)) {
                    Self.writeBody(reply, keepAlive: keepAlive, context: loopBound.value)
                }
            }
        }
    }

    private static func timeAmount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(Int64(duration.components.seconds) * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    private static func writeHead(_ reply: LoopbackTarget.Reply, version: HTTPVersion, keepAlive: Bool, context: ChannelHandlerContext) {
        var headers = HTTPHeaders(reply.headers)
        headers.replaceOrAdd(name: "Content-Length", value: String(reply.body.utf8.count))
        headers.replaceOrAdd(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        let head = HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: reply.status), headers: headers)
        context.write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
    }

    /// Writes the body and ends the response; a client that gave up meanwhile has closed the channel, and the writes
    /// then fail harmlessly.
    private static func writeBody(_ reply: LoopbackTarget.Reply, keepAlive: Bool, context: ChannelHandlerContext) {
        context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(string: reply.body)))), promise: nil)
        let done = context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

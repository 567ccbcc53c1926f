import HookModel
import LuaRuntime

/// What the host accepts of one hook before its rule runs, and of what the rule returns: bounds on host work and
/// memory that the Lua limits (``LuaLimits``) do not cover. Each check is linear in the hook's size. A hook beyond
/// one fails with a message naming the limit, and is kept for replay like any failed hook.
///
/// Defaults suit webhooks as providers send them; an integration sets its own in its rule file
/// (`limits = { body_bytes = ..., ... }`, see docs/runtime.md).
public struct HookLimits: Sendable, Equatable {
    /// Largest body, in bytes (by default the server's default body cap, `serve --max-body`).
    public var bodyBytes: Int
    /// Most header fields (a repeated name counts once per field).
    public var headers: Int
    /// Most bytes of header names and values together.
    public var headerBytes: Int
    /// Most requests one hook may produce.
    public var requests: Int

    public init(bodyBytes: Int = 10 << 20, headers: Int = 256, headerBytes: Int = 64 << 10, requests: Int = 1_000) {
        self.bodyBytes = bodyBytes
        self.headers = headers
        self.headerBytes = headerBytes
        self.requests = requests
    }

    /// Why `hook` is beyond these limits, or nil when it is within them.
    func violation(of hook: Hook) -> String? {
        if hook.body.count > bodyBytes {
            return "the body has \(hook.body.count) bytes, over the integration's limit of \(bodyBytes) (limits.body_bytes)"
        }
        if hook.headers.fields.count > headers {
            return "the hook has \(hook.headers.fields.count) header fields, over the integration's limit of \(headers) (limits.headers)"
        }
        var bytes = 0
        for field in hook.headers.fields {
            bytes += field.name.utf8.count + field.value.utf8.count
            if bytes > headerBytes {
                return "the headers have more than \(headerBytes) bytes, the integration's limit (limits.header_bytes)"
            }
        }
        return nil
    }

    func tooManyRequests(_ count: Int) -> String {
        "the rule made \(count) requests from one hook, over the integration's limit of \(requests) (limits.requests)"
    }
}

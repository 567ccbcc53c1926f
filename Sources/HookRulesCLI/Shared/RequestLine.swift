import HookModel

/// One TransferRequest as a JSON Lines record, with the derived fields spelled out for readers and scripts.
struct RequestLine: Encodable {
    let subscription: String
    let integration: String
    let scope: String
    let mappingCollectionType: String
    let action: String
    let direction: String
    let externalId: String
    let childRequest: Bool
    let parent: RequestLink?
    let origin: RequestLink?
    let deleteTriggered: Bool
    let hookId: String?
    /// Present (true) only on debug requests, which go to the front of the queue.
    let debug: Bool?
    /// With `--trace`: the rule file and line that made the request, and what the rule logged for its hook.
    var trace: Trace?

    struct Trace: Encodable {
        let rule: String
        let log: [String]
    }

    init(_ request: TransferRequest) {
        subscription = request.subscription
        integration = request.integration
        scope = request.scope.description
        mappingCollectionType = request.mappingCollectionType
        action = request.action.rawValue
        direction = request.direction.rawValue
        externalId = request.externalId
        childRequest = request.childRequest
        parent = request.parent
        origin = request.origin
        deleteTriggered = request.deleteTriggered
        hookId = request.hookId
        debug = request.debug ? true : nil
    }
}

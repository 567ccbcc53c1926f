/// What one rule's results used, counted over the hooks run, for mapping coverage. Read from the entries of each
/// result, which carry what the rule API puts in them: a request or ignored record made by an `on` entry carries
/// its `event`; a request a `resolve` step made is a child request whose `parent` kind is the resolved scope; an
/// entry of a rule without `on` carries no event.
package struct MappingHits: Sendable, Equatable {
    /// Requests per event.
    package var requestsByEvent: [String: Int] = [:]
    /// Ignored records per event.
    package var ignoredByEvent: [String: Int] = [:]
    /// Child requests per resolved scope.
    package var resolvedByScope: [String: Int] = [:]
    /// Requests and ignored records without an event.
    package var withoutEvent = 0

    package init() {}

    mutating func add(_ result: RuleResult) {
        for request in result.requests {
            if request.childRequest, let scope = request.parent?.kind {
                resolvedByScope[scope, default: 0] += 1
            }
            if let event = request.event {
                requestsByEvent[event, default: 0] += 1
            } else {
                withoutEvent += 1
            }
        }
        for ignored in result.ignored {
            if let event = ignored.event {
                ignoredByEvent[event, default: 0] += 1
            } else {
                withoutEvent += 1
            }
        }
    }
}

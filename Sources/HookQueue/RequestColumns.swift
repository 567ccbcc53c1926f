import HookModel

/// A request's columns as every backend of this package stores them, in one order: the INSERT column list, the
/// values written in that order, and what merging a request into a pending row replaces. Not public API.
package enum RequestColumns {
    /// The column names, in the order ``write(_:to:)`` writes the values.
    package static let names = """
        subscription, integration, scope, direction, external_id, child_request, parent_kind, parent_external_id, \
        origin_kind, origin_external_id, delete_triggered, hook_id, debug
        """
    package static let count = 13

    /// The SET list of an enqueue upsert that makes the newest request's fields win (the key's columns are equal;
    /// `debug`, OR-ed, the due time and the count are each backend's own).
    package static let replacedOnMerge = """
        integration = excluded.integration,
        child_request = excluded.child_request,
        parent_kind = excluded.parent_kind,
        parent_external_id = excluded.parent_external_id,
        origin_kind = excluded.origin_kind,
        origin_external_id = excluded.origin_external_id,
        delete_triggered = excluded.delete_triggered,
        hook_id = excluded.hook_id
        """

    /// Writes `request`'s values in the order of ``names``.
    package static func write(_ request: TransferRequest, to writer: inout some RequestColumnWriter) {
        writer.write(request.subscription)
        writer.write(request.integration)
        writer.write(request.scope.description)
        writer.write(request.direction.rawValue)
        writer.write(request.externalId)
        writer.write(request.childRequest)
        writer.write(request.parent?.kind)
        writer.write(request.parent?.externalId)
        writer.write(request.origin?.kind)
        writer.write(request.origin?.externalId)
        writer.write(request.deleteTriggered)
        writer.write(request.hookId)
        writer.write(request.debug)
    }
}

/// Where ``RequestColumns/write(_:to:)`` puts a request's values: a backend's statement parameters.
package protocol RequestColumnWriter {
    mutating func write(_ text: String?)
    mutating func write(_ flag: Bool)
}

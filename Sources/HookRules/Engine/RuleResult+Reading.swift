import LuaRuntime

/// The typed path of ``RuleResult``: the result read straight off the Lua stack, without the ``LuaValue``
/// dictionaries and arrays of the generic reader (which cost more than the rest of turning a result into requests).
///
/// It accepts exactly the shape the rule API builds, with plain values: a table with a `delivery` string and
/// `requests`, `ignored` and `errors` lists (keys 1...n in order) of entry tables with their known keys, and scalars (or a `parent`/`origin`
/// table of `kind` and `id`) in them. For anything else it declines (nil) and the generic reader runs on the same
/// result, so that a result the generic reader refuses is refused with its exact message (`result 1.requests[2].id
/// is a function, ...`), and an odd but acceptable one gives the generic outcome.
extension RuleResult {
    /// Above this many entries the typed reader declines, leaving the generic reader's bound of 1,000,000 values to
    /// decide: an accepted entry holds at most 13 values, so 50,000 entries stay well below it.
    static let maxTypedEntries = 50_000

    /// - Parameter maxRequests: a `requests` list longer than this is not read: the result then only says how long
    ///   it was (``tooManyRequests``).
    init?(reading results: LuaResults) {
        self.init(reading: results, maxRequests: .max)
    }

    init?(reading results: LuaResults, maxRequests: Int) {
        guard results.count == 1, var fields = results.fields(ofResult: 1) else { return nil }
        var entries = 0
        while fields.next() {
            if fields.key(is: "delivery") {
                // The only scalar at the top: a delivery id the rule API has already made a string.
                guard case .string(let text)? = fields.value.scalar else { return nil }
                delivery = text
                continue
            }
            // A reply (rare: handshakes) is read by the generic reader, as is any other key.
            guard var list = fields.valueFields() else { return nil }
            let complete: Bool
            if fields.key(is: "requests") {
                let count = list.length
                if count > maxRequests {
                    self = RuleResult(tooManyRequests: count)
                    return
                }
                complete = Self.read(&list, into: &requests, entries: &entries, Request.init(reading:))
            } else if fields.key(is: "ignored") {
                complete = Self.read(&list, into: &ignored, entries: &entries, Ignored.init(reading:))
            } else if fields.key(is: "errors") {
                complete = Self.read(&list, into: &errors, entries: &entries, Failure.init(reading:))
            } else {
                return nil
            }
            guard complete else { return nil }
        }
    }

    /// Appends the entries of a list of tables in order; false to decline.
    private static func read<Entry>(
        _ list: inout LuaTableFields, into entries: inout [Entry], entries count: inout Int,
        _ readEntry: (inout LuaTableFields) -> Entry?
    ) -> Bool {
        var expected: Int64 = 1
        while list.next() {
            count += 1
            guard list.index == expected, count <= maxTypedEntries, var fields = list.valueFields(),
                let entry = readEntry(&fields)
            else { return false }
            entries.append(entry)
            expected += 1
        }
        return true
    }
}

extension RuleResult.Request {
    init?(reading fields: inout LuaTableFields) {
        while fields.next() {
            let value = fields.value
            if fields.key(is: "parent") || fields.key(is: "origin") {
                let link: RuleResult.Link?
                switch value {
                case .table:
                    guard var linkFields = fields.valueFields(), let read = RuleResult.Link(reading: &linkFields) else {
                        return nil
                    }
                    link = read
                case .other: return nil
                case .nil: link = nil
                default: link = RuleResult.Link(kind: nil, id: nil)  // a scalar has no kind, as in Link(_:)
                }
                if fields.key(is: "parent") { parent = link } else { origin = link }
                continue
            }
            guard let scalar = value.scalar else { return nil }
            if fields.key(is: "id") {
                id = scalar
            } else if fields.key(is: "scope") {
                scope = scalar.stringValue
            } else if fields.key(is: "record") {
                record = scalar.integerValue
            } else if fields.key(is: "line") {
                line = scalar.integerValue
            } else if fields.key(is: "event") {
                event = scalar.stringValue
            } else if fields.key(is: "child_request") {
                childRequest = scalar == .boolean(true)
            } else {
                return nil
            }
        }
    }
}

/// An entry whose fields are all scalars, read by matching each key to one of its fields.
private protocol ScalarFields {
    init()
    /// Stores `value` in the field the current key of `field` names; false for a key it does not know.
    mutating func take(_ value: LuaValue, at field: borrowing LuaTableFields) -> Bool
}

extension ScalarFields {
    init?(reading fields: inout LuaTableFields) {
        self.init()
        while fields.next() {
            guard let scalar = fields.value.scalar, take(scalar, at: fields) else { return nil }
        }
    }
}

extension RuleResult.Link: ScalarFields {
    fileprivate mutating func take(_ value: LuaValue, at field: borrowing LuaTableFields) -> Bool {
        if field.key(is: "kind") { kind = value.stringValue } else if field.key(is: "id") { id = value } else { return false }
        return true
    }
}

extension RuleResult.Ignored: ScalarFields {
    fileprivate mutating func take(_ value: LuaValue, at field: borrowing LuaTableFields) -> Bool {
        if field.key(is: "reason") {
            reason = value.stringValue
        } else if field.key(is: "record") {
            record = value.integerValue
        } else if field.key(is: "event") {
            event = value.stringValue
        } else {
            return false
        }
        return true
    }
}

extension RuleResult.Failure: ScalarFields {
    fileprivate mutating func take(_ value: LuaValue, at field: borrowing LuaTableFields) -> Bool {
        if field.key(is: "message") {
            message = value.stringValue
        } else if field.key(is: "traceback") {
            traceback = value.stringValue
        } else if field.key(is: "record") {
            record = value.integerValue
        } else if field.key(is: "line") {
            line = value.integerValue
        } else {
            return false
        }
        return true
    }
}

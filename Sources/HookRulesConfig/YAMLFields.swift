import Yams

/// A YAML mapping read field by field; fields nobody asked for are reported as unknown (a misspelt key is a
/// mistake, not something to skip silently).
package struct YAMLFields {
    package let document: YAMLDocument
    package let node: Node
    package let pairs: [(key: String, value: Node)]
    /// Names the mapping in messages; a reader may sharpen it once it knows more (`subscription 3` → its id).
    package var context: String

    package init(_ node: Node?, in document: YAMLDocument, context: String) throws(ConfigProblem) {
        guard let node, let mapping = node.mapping else {
            throw document.problem("\(context) must be a mapping of fields", at: node)
        }
        var pairs: [(String, Node)] = []
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                throw document.problem("\(context): field names must be text", at: key)
            }
            pairs.append((name, value))
        }
        self.document = document
        self.node = node
        self.pairs = pairs
        self.context = context
    }

    package subscript(key: String) -> Node? { pairs.first { $0.key == key }?.value }

    package func problem(_ message: String, at key: String? = nil) -> ConfigProblem {
        document.problem("\(context): \(message)", at: key.flatMap { self[$0] } ?? node)
    }

    package func refuseUnknown(_ known: Set<String>) throws(ConfigProblem) {
        for (key, value) in pairs where !known.contains(key) {
            throw document.problem(
                "\(context): unknown field \"\(key)\" (expected one of: \(known.sorted().joined(separator: ", ")))",
                at: value)
        }
    }

    package func string(_ key: String) throws(ConfigProblem) -> String? {
        guard let value = self[key] else { return nil }
        guard let scalar = value.scalar, value.tagName != .null else {
            throw problem("\(key) must be text", at: key)
        }
        return scalar.string
    }

    package func requiredString(_ key: String) throws(ConfigProblem) -> String {
        guard let text = try string(key), !text.isEmpty else { throw problem("\(key) is missing", at: key) }
        return text
    }

    package func bool(_ key: String) throws(ConfigProblem) -> Bool? {
        guard let value = self[key] else { return nil }
        guard value.tagName == .bool, let flag = value.bool else {
            throw problem("\(key) must be true or false", at: key)
        }
        return flag
    }

    package func integer(_ key: String) throws(ConfigProblem) -> Int? {
        guard let value = self[key] else { return nil }
        guard value.tagName == .int, let number = value.int else {
            throw problem("\(key) must be a whole number", at: key)
        }
        return number
    }

    package func list(_ key: String) throws(ConfigProblem) -> [Node]? {
        guard let value = self[key] else { return nil }
        guard let sequence = value.sequence else { throw problem("\(key) must be a list", at: key) }
        return Array(sequence)
    }
}

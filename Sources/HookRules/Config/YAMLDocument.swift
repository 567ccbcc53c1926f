import Foundation
import LuaRuntime
import Yams

/// A YAML file parsed into nodes that keep their line, so every problem can name where it is.
struct YAMLDocument {
    let path: String
    let root: Node?

    static func read(path: String) throws(ConfigProblem) -> YAMLDocument {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigProblem(file: path, message: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigProblem(file: path, message: "the file is not UTF-8 text")
        }
        return try YAMLDocument(path: path, text: text)
    }

    init(path: String, text: String) throws(ConfigProblem) {
        self.path = path
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigProblem(file: path, line: Self.line(of: error), message: "not valid YAML: \(Self.problem(of: error))")
        } catch {
            throw ConfigProblem(file: path, message: "not valid YAML: \(error)")
        }
    }

    func problem(_ message: String, at node: Node?) -> ConfigProblem {
        ConfigProblem(file: path, line: node?.mark?.line, message: message)
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: nil
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _),
            .reader(let problem, _, _, _):
            problem
        default: "\(error)"
        }
    }
}

/// A YAML mapping read field by field; fields nobody asked for are reported as unknown (a misspelt key is a
/// mistake, not something to skip silently).
struct YAMLFields {
    let document: YAMLDocument
    let node: Node
    let pairs: [(key: String, value: Node)]
    /// Names the mapping in messages; a reader may sharpen it once it knows more (`subscription 3` → its id).
    var context: String

    init(_ node: Node?, in document: YAMLDocument, context: String) throws(ConfigProblem) {
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

    subscript(key: String) -> Node? { pairs.first { $0.key == key }?.value }

    func problem(_ message: String, at key: String? = nil) -> ConfigProblem {
        document.problem("\(context): \(message)", at: key.flatMap { self[$0] } ?? node)
    }

    func refuseUnknown(_ known: Set<String>) throws(ConfigProblem) {
        for (key, value) in pairs where !known.contains(key) {
            throw document.problem(
                "\(context): unknown field \"\(key)\" (expected one of: \(known.sorted().joined(separator: ", ")))",
                at: value)
        }
    }

    func string(_ key: String) throws(ConfigProblem) -> String? {
        guard let value = self[key] else { return nil }
        guard let scalar = value.scalar, value.tagName != .null else {
            throw problem("\(key) must be text", at: key)
        }
        return scalar.string
    }

    func requiredString(_ key: String) throws(ConfigProblem) -> String {
        guard let text = try string(key), !text.isEmpty else { throw problem("\(key) is missing", at: key) }
        return text
    }

    func bool(_ key: String) throws(ConfigProblem) -> Bool? {
        guard let value = self[key] else { return nil }
        guard value.tagName == .bool, let flag = value.bool else {
            throw problem("\(key) must be true or false", at: key)
        }
        return flag
    }

    func integer(_ key: String) throws(ConfigProblem) -> Int? {
        guard let value = self[key] else { return nil }
        guard value.tagName == .int, let number = value.int else {
            throw problem("\(key) must be a whole number", at: key)
        }
        return number
    }

    func list(_ key: String) throws(ConfigProblem) -> [Node]? {
        guard let value = self[key] else { return nil }
        guard let sequence = value.sequence else { throw problem("\(key) must be a list", at: key) }
        return Array(sequence)
    }
}

/// YAML values as the Lua values a rule sees. Quoted text stays text, so `"0012"` keeps its zeros; a plain
/// integer too large for 64 bits stays text rather than becoming an inexact float.
enum YAMLLuaValue {
    static func value(_ node: Node, in document: YAMLDocument, path: String) throws(ConfigProblem) -> LuaValue {
        switch node {
        case .scalar(let scalar):
            switch node.tagName {
            case .null: return .nil
            case .bool: return node.bool.map(LuaValue.boolean) ?? .string(scalar.string)
            case .int: return node.int.map { .integer(Int64($0)) } ?? .string(scalar.string)
            case .float: return node.float.map(LuaValue.number) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence):
            var items: [LuaValue] = []
            for (index, item) in sequence.enumerated() {
                items.append(try value(item, in: document, path: "\(path)[\(index + 1)]"))
            }
            return .array(items)
        case .mapping(let mapping):
            var table: [String: LuaValue] = [:]
            for (key, item) in mapping {
                guard let name = key.scalar?.string else {
                    throw document.problem("\(path): keys must be text", at: key)
                }
                table[name] = try value(item, in: document, path: "\(path).\(name)")
            }
            return .table(table)
        case .alias:
            throw document.problem("\(path): aliases are not supported", at: node)
        }
    }
}

extension Node {
    /// The resolved tag's name (`Tag.name` is not public): tells a plain `12` (int) from a quoted `"12"` (str).
    var tagName: Tag.Name { Tag.Name(rawValue: tag.rawValue) }
}

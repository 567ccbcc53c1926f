import HookModel
import Yams

/// YAML values as preset values (what a rule sees in `subscription.presets`). Quoted text stays text, so `"0012"`
/// keeps its zeros; a plain integer too large for 64 bits stays text rather than becoming an inexact float.
package enum YAMLPresetValue {
    package static func value(_ node: Node, in document: YAMLDocument, path: String) throws(ConfigProblem) -> PresetValue {
        switch node {
        case .scalar(let scalar):
            switch node.tagName {
            case .null: return .null
            case .bool: return node.bool.map(PresetValue.boolean) ?? .string(scalar.string)
            case .int: return node.int.map { .integer(Int64($0)) } ?? .string(scalar.string)
            case .float: return node.float.map(PresetValue.number) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence):
            var items: [PresetValue] = []
            for (index, item) in sequence.enumerated() {
                items.append(try value(item, in: document, path: "\(path)[\(index + 1)]"))
            }
            return .list(items)
        case .mapping(let mapping):
            var table: [String: PresetValue] = [:]
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

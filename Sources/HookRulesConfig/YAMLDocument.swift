import Foundation
import Yams

/// A YAML file parsed into nodes that keep their line, so every problem can name where it is.
package struct YAMLDocument {
    package let path: String
    package let root: Node?

    package static func read(path: String) throws(ConfigProblem) -> YAMLDocument {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigProblem(file: path, message: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigProblem(file: path, message: "the file is not UTF-8 text")
        }
        return try YAMLDocument(path: path, text: text)
    }

    package init(path: String, text: String) throws(ConfigProblem) {
        self.path = path
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigProblem(file: path, line: Self.line(of: error), message: "not valid YAML: \(Self.problem(of: error))")
        } catch {
            throw ConfigProblem(file: path, message: "not valid YAML: \(error)")
        }
    }

    package func problem(_ message: String, at node: Node?) -> ConfigProblem {
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

extension Node {
    /// The resolved tag's name (`Tag.name` is not public): tells a plain `12` (int) from a quoted `"12"` (str).
    package var tagName: Tag.Name { Tag.Name(rawValue: tag.rawValue) }
}

import Foundation

/// The package's targets and their direct dependencies, as `swift package describe --type json` prints them.
/// scripts/test.sh writes that description to `.build/package-description.json` before the tests run (SwiftPM holds
/// the build folder's lock while tests run, so a test cannot ask SwiftPM itself).
struct ModuleGraph {
    /// Direct dependencies of each target: other targets, and products of other packages.
    let targets: [String: (targets: Set<String>, products: Set<String>)]

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var descriptionPath: String {
        ProcessInfo.processInfo.environment["HOOKRULES_PACKAGE_DESCRIPTION"]
            ?? packageRoot.appendingPathComponent(".build/package-description.json").path
    }

    init?(path: String = ModuleGraph.descriptionPath) throws {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let list = root["targets"] as? [[String: Any]]
        else { throw DescriptionError(path: path) }
        var targets: [String: (Set<String>, Set<String>)] = [:]
        for target in list {
            guard let name = target["name"] as? String else { throw DescriptionError(path: path) }
            targets[name] = (
                Set(target["target_dependencies"] as? [String] ?? []),
                Set(target["product_dependencies"] as? [String] ?? [])
            )
        }
        self.targets = targets
    }

    /// Every target `name` depends on, directly or not.
    func reachableTargets(from name: String) -> Set<String> {
        var seen: Set<String> = []
        var pending = Array(targets[name]?.targets ?? [])
        while let next = pending.popLast() {
            guard seen.insert(next).inserted else { continue }
            pending.append(contentsOf: targets[next]?.targets ?? [])
        }
        return seen
    }

    /// Every product of another package `name` uses, directly or through its targets.
    func reachableProducts(from name: String) -> Set<String> {
        ([name] + reachableTargets(from: name)).reduce(into: Set<String>()) { $0.formUnion(targets[$1]?.products ?? []) }
    }

    struct DescriptionError: Error, CustomStringConvertible {
        let path: String
        var description: String { "\(path) is not the output of `swift package describe --type json`" }
    }
}

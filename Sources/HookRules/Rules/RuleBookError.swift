import HookModel


/// Why rule files could not be loaded: every problem found, each with its file and line.
public struct RuleBookError: Error, Sendable, CustomStringConvertible {
    public var problems: [RuleFailure]

    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}

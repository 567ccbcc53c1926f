/// How many times each line of each loaded script ran while a state counted lines (see
/// ``LuaState/init(limits:libraries:countingLines:)``). Scripts are named as loaded (``LuaScript/name``); lines are
/// 1-based. Only lines that ran are present.
public struct LineHits: Sendable, Equatable {
    /// Script name → line → times it ran.
    public private(set) var counts: [String: [Int: Int]] = [:]

    public init() {}

    public var isEmpty: Bool { counts.isEmpty }

    /// How many times `line` of `script` ran (0 when never).
    public func count(script: String, line: Int) -> Int {
        counts[script]?[line] ?? 0
    }

    /// The lines of `script` that ran, with how many times each did.
    public func lines(of script: String) -> [Int: Int] {
        counts[script] ?? [:]
    }

    /// Adds `count` runs of `line` of `script`.
    public mutating func add(script: String, line: Int, count: Int) {
        guard count > 0 else { return }
        counts[script, default: [:]][line, default: 0] += count
    }

    /// Adds every count of `other` (hits gathered from several states, or several runs).
    public mutating func add(_ other: LineHits) {
        for (script, lines) in other.counts {
            counts[script, default: [:]].merge(lines, uniquingKeysWith: +)
        }
    }
}

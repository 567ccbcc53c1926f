import ArgumentParser
import HookQueue
import HookModel

extension Direction: ExpressibleByArgument, CaseIterable {
    public static let allCases: [Direction] = [.to, .from]
}

extension Scope: ExpressibleByArgument {}

extension QueueState: ExpressibleByArgument {}

/// `--rate 200/s` (or just `200`): rows per second.
struct RowRate: ExpressibleByArgument {
    let perSecond: Double

    init?(argument: String) {
        let number = argument.hasSuffix("/s") ? String(argument.dropLast(2)) : argument
        guard let value = Double(number), value > 0, value.isFinite else { return nil }
        perSecond = value
    }
}

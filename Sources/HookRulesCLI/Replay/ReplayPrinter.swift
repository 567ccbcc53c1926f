import Foundation
import HookModel

/// Prints replay outcomes: requests on stdout (JSON Lines, or a table collected and printed at the end), ignored
/// records, failures and, with tracing, the rule's log on stderr.
final class ReplayPrinter {
    let format: ReplayFormat
    let trace: Bool
    private let lines = RequestPrinter()
    private var rows: [[String]] = []

    init(format: ReplayFormat, trace: Bool) {
        self.format = format
        self.trace = trace
    }

    func print(_ outcome: HookOutcome, capture: String) {
        for (request, location) in outcome.made.map({ ($0.request, $0.location) }) {
            switch format {
            case .jsonl:
                var line = RequestLine(request)
                if trace { line.trace = RequestLine.Trace(rule: "\(location)", log: outcome.log) }
                lines.print(line)
            case .table:
                rows.append(row(request, capture: capture, rule: "\(location)"))
            }
        }
        if trace {
            for line in outcome.log { printError("\(capture): log: \(line)") }
        }
        for ignored in outcome.ignored {
            printError("\(capture): record \(ignored.record) ignored: \(ignored.reason)")
        }
        for error in outcome.errors {
            printError("\(capture): \(error)")
            if trace, let traceback = error.traceback { printError(traceback) }
        }
    }

    func finish() {
        guard format == .table else { return }
        var header = ["CAPTURE", "SUBSCRIPTION", "SCOPE", "EXTERNAL ID", "FROM"]
        if trace { header.append("RULE") }
        Swift.print(TextTable(header: header, rows: rows).rendered, terminator: "")
    }

    private func row(_ request: TransferRequest, capture: String, rule: String) -> [String] {
        var from: [String] = []
        if let parent = request.parent { from.append("child of \(parent.kind) \(parent.externalId)") }
        if let origin = request.origin { from.append("\(origin.kind) \(origin.externalId)") }
        if request.deleteTriggered { from.append("delete-triggered") }
        var cells = [
            (capture as NSString).lastPathComponent, request.subscription, request.scope.description,
            request.externalId, from.joined(separator: "; "),
        ]
        if trace { cells.append(rule) }
        return cells
    }
}

import Foundation

/// A one-line progress bar on stderr, redrawn at most ten times a second; silent when stderr is not a terminal.
final class ProgressBar {
    private let total: Int
    private let unit: String
    private let enabled: Bool
    private var lastDrawn: ContinuousClock.Instant?
    /// The first update's time and count: the rate covers this run only, not what an earlier run did.
    private var first: (at: ContinuousClock.Instant, done: Int)?

    init(total: Int, unit: String, enabled: Bool = Terminal.stderrIsTerminal) {
        self.total = total
        self.unit = unit
        self.enabled = enabled
    }

    func update(_ done: Int) {
        guard enabled else { return }
        let now = ContinuousClock.now
        let first = self.first ?? (now, done)
        self.first = first
        if let lastDrawn, now - lastDrawn < .milliseconds(100), done < total { return }
        lastDrawn = now
        let fraction = total > 0 ? Double(done) / Double(total) : 1
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let elapsed = (now - first.at).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        let rate = seconds > 0 ? Int(Double(done - first.done) / seconds) : 0
        let line = "\r\(bar) \(Int(fraction * 100))% \(done.formatted())/\(total.formatted()) \(unit) · \(rate.formatted()) \(unit)/s"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Ends the bar's line, so the next message starts on its own.
    func finish() {
        guard enabled, lastDrawn != nil else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}

import Foundation

/// A one-line progress bar on stderr, redrawn at most ten times a second; silent when stderr is not a terminal.
final class ProgressBar {
    private let total: Int
    private let unit: String
    private let enabled: Bool
    private let started = ContinuousClock.now
    private var lastDrawn: ContinuousClock.Instant?
    private let startCount: Int

    init(total: Int, startingAt start: Int = 0, unit: String, enabled: Bool = Terminal.stderrIsTerminal) {
        self.total = total
        self.unit = unit
        self.enabled = enabled
        startCount = start
    }

    func update(_ done: Int) {
        guard enabled else { return }
        let now = ContinuousClock.now
        if let lastDrawn, now - lastDrawn < .milliseconds(100), done < total { return }
        lastDrawn = now
        let fraction = total > 0 ? Double(done) / Double(total) : 1
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let seconds = Double((now - started).components.seconds) + Double((now - started).components.attoseconds) / 1e18
        let rate = seconds > 0 ? Int(Double(done - startCount) / seconds) : 0
        let line = "\r\(bar) \(Int(fraction * 100))% \(done.formatted())/\(total.formatted()) \(unit) · \(rate.formatted()) \(unit)/s"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Ends the bar's line, so the next message starts on its own.
    func finish() {
        guard enabled, lastDrawn != nil else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}

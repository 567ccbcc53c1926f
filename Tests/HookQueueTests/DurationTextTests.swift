import HookQueue
import Testing

@Suite("Durations in messages")
struct DurationTextTests {
    @Test("to the nearest tenth of a second, a whole number without .0, never negative")
    func secondsText() {
        #expect(Duration.seconds(2).secondsText == "2 s")
        #expect(Duration.milliseconds(1_500).secondsText == "1.5 s")
        #expect(Duration.milliseconds(999_960).secondsText == "1000 s")
        #expect(Duration.milliseconds(1_049).secondsText == "1 s")
        #expect(Duration.milliseconds(1_050).secondsText == "1.1 s")
        #expect((Duration.seconds(10) - .microseconds(3)).secondsText == "10 s")  // a timeout less the time to start
        #expect(Duration.zero.secondsText == "0 s")
        #expect(Duration.milliseconds(-300).secondsText == "0 s")
        #expect(Duration.seconds(7 * 24 * 3600).secondsText == "604800 s")
    }
}

/// The limits one Lua run is held to. Defaults suit webhook rules; an integration can set its own.
public struct LuaLimits: Sendable, Equatable {
    /// Bytes the whole state may hold (libraries, compiled rules, the decoded body and the rule's own data).
    public var memoryBytes: Int
    /// VM instructions one run may execute (the chunk and the called function together).
    public var instructions: Int
    /// Wall-clock time one run may take, checked while Lua code runs, while library functions work and while the
    /// state allocates.
    public var wallClock: Duration
    /// Deepest JSON nesting a body (or `json.decode`) may have.
    public var jsonDepth: Int
    /// Most `name=value` pairs a form body may have.
    public var formPairs: Int
    /// Most elements an XML body (or `xml.decode`'s text) may have.
    public var xmlElements: Int
    /// How much of what the rule prints is kept per run.
    public var logLines: Int
    public var logBytes: Int
    /// How long past `wallClock` a run may still be going before the ``LuaWatchdog`` retires its state. Every path
    /// a rule can take stops at the deadline; this only catches a bug in one of those bounds.
    public var watchdogGrace: Duration

    public init(
        memoryBytes: Int = 64 << 20,
        instructions: Int = 20_000_000,
        wallClock: Duration = .seconds(1),
        jsonDepth: Int = 512,
        formPairs: Int = 10_000,
        xmlElements: Int = 100_000,
        logLines: Int = 200,
        logBytes: Int = 32 << 10,
        watchdogGrace: Duration = .milliseconds(500)
    ) {
        self.memoryBytes = memoryBytes
        self.instructions = instructions
        self.wallClock = wallClock
        self.jsonDepth = jsonDepth
        self.formPairs = formPairs
        self.xmlElements = xmlElements
        self.logLines = logLines
        self.logBytes = logBytes
        self.watchdogGrace = watchdogGrace
    }
}

/// The limits one Lua run is held to. Defaults suit webhook rules; an integration can set its own.
public struct LuaLimits: Sendable, Equatable {
    /// Bytes the whole state may hold (libraries, compiled rules, the decoded body and the rule's own data).
    public var memoryBytes: Int
    /// VM instructions one run may execute (the chunk and the called function together).
    public var instructions: Int
    /// Wall-clock time one run may take, checked while Lua code runs.
    public var wallClock: Duration
    /// Deepest JSON nesting a body (or `json.decode`) may have.
    public var jsonDepth: Int
    /// Longest subject and pattern `string.find/match/gmatch/gsub` accept. A single pattern match is one C call that
    /// no hook can interrupt, and backtracking makes some patterns super-linear, so their inputs are bounded.
    public var patternSubjectBytes: Int
    public var patternBytes: Int
    /// How much of what the rule prints is kept per run.
    public var logLines: Int
    public var logBytes: Int

    public init(
        memoryBytes: Int = 64 << 20,
        instructions: Int = 20_000_000,
        wallClock: Duration = .seconds(1),
        jsonDepth: Int = 512,
        patternSubjectBytes: Int = 64 << 10,
        patternBytes: Int = 256,
        logLines: Int = 200,
        logBytes: Int = 32 << 10
    ) {
        self.memoryBytes = memoryBytes
        self.instructions = instructions
        self.wallClock = wallClock
        self.jsonDepth = jsonDepth
        self.patternSubjectBytes = patternSubjectBytes
        self.patternBytes = patternBytes
        self.logLines = logLines
        self.logBytes = logBytes
    }
}

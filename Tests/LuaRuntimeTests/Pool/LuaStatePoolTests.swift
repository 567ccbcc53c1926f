import LuaRuntime
import Testing

@Suite("State pool")
struct LuaStatePoolTests {
    static let script = LuaScript(name: "rules/double.lua", text: """
        return { handle = function(n)
          if n % 7 == 0 then error("multiple of seven") end
          return n * 2
        end }
        """)

    @Test("many tasks share a few states; errors in one hook never disturb the others")
    func concurrentUse() async throws {
        let pool = try LuaStatePool(size: 3) { () throws(LuaError) in
            var state = try LuaState()
            _ = try state.load(Self.script)
            return state
        }
        let results = await withTaskGroup(of: (Int, Result<LuaRun, LuaError>).self) { group in
            for n in 1...300 {
                group.addTask {
                    await (n, pool.withState { state in
                        Result { () throws(LuaError) in
                            try state.call(
                                state.script(named: Self.script.name)!, function: "handle",
                                arguments: [.value(.integer(Int64(n)))])
                        }
                    })
                }
            }
            var collected: [Int: Result<LuaRun, LuaError>] = [:]
            for await (n, result) in group { collected[n] = result }
            return collected
        }
        #expect(results.count == 300)
        for (n, result) in results {
            switch result {
            case .success(let run): #expect(n % 7 != 0 && run.values == [.integer(Int64(n * 2))])
            case .failure(let error): #expect(n % 7 == 0 && error.message == "multiple of seven")
            }
        }
    }
}

@Suite("State pool: the watchdog")
struct LuaStatePoolWatchdogTests {
    /// A trusted library with a path out of every bound: it blocks in C (a shell's `sleep`) without running a Lua
    /// instruction, as a bug in a bound would.
    static let stuck = LuaLibrary(name: "stuck", script: LuaScript(name: "=stuck", text: """
        local execute = os.execute
        return { sleep = function(seconds) execute("sleep " .. seconds) end }
        """))
    static let script = LuaScript(name: "rules/sleepy.lua", text: """
        return { handle = function(seconds)
          if seconds > 0 then stuck.sleep(seconds) end
          return "served"
        end }
        """)

    static func handle(_ seconds: Int, on pool: LuaStatePool) async -> Result<LuaRun, LuaError> {
        await pool.withState { state in
            Result { () throws(LuaError) in
                try state.call(
                    state.script(named: script.name)!, function: "handle", arguments: [.value(.integer(Int64(seconds)))])
            }
        }
    }

    @Test("a run that outlives its deadline and grace is reported failed, its state retired, and the pool keeps serving")
    func overstayingRun() async throws {
        let limits = LuaLimits(wallClock: .milliseconds(100), watchdogGrace: .milliseconds(200))
        let pool = try LuaStatePool(size: 1) { () throws(LuaError) in
            var state = try LuaState(limits: limits, libraries: [Self.stuck])
            _ = try state.load(Self.script)
            return state
        }
        let overstaysBefore = LuaWatchdog.shared.overstayedRuns
        async let stuckRun = Self.handle(2, on: pool)
        // Past the deadline, the grace and a tick of the watchdog: the only state is still held by the stuck run,
        // yet another hook is served, by the state that replaced it.
        try await Task.sleep(for: .milliseconds(800))
        let served = await Self.handle(0, on: pool)
        #expect(try served.get().values == ["served"])
        #expect(pool.retiredStates == 1 && pool.size == 1)
        #expect(LuaWatchdog.shared.overstayedRuns > overstaysBefore)
        switch await stuckRun {
        case .success(let run): Issue.record("the overstaying run was accepted: \(run)")
        case .failure(let error):
            #expect(error.kind == .timeLimit)
            #expect(error.message.contains("watchdog"), "\(error)")
        }
        // The retired state is never lent again: the pool still has exactly one, and it serves.
        #expect(try await Self.handle(0, on: pool).get().values == ["served"])
        #expect(pool.retiredStates == 1 && pool.size == 1)
    }
}

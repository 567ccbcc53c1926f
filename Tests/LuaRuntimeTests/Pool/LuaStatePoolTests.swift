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

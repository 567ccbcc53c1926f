import LuaRuntime
import Testing

/// Edge cases of the bounded library that the corpus of `PatternParityTests` does not reach: every character class
/// on every byte, replacement strings and counts, numbers where strings are expected, replacement functions and
/// tables that raise or run metamethods, table functions on values that only look like tables, the limits on
/// captures and nesting, and results longer than a buffer's first KiB. Each is compared with Lua's own function.
@Suite("Sandbox: the bounded functions agree with Lua's on edge cases")
struct BoundedParityEdgeTests {
    @Test("every character class, set and range, on every byte")
    func classesOnEveryByte() throws {
        let (compared, mismatches) = try PatternParityTests.run("""
            local letters = "acdglpsuwxzACDGLPSUWXZbqBQ.%]^-["
            for code = 0, 255 do
              local s = string.char(code)
              for i = 1, #letters do
                local letter = letters:sub(i, i)
                same("class", lua.find, string.find, s, "%" .. letter)
                same("set", lua.find, string.find, s, "[%" .. letter .. "]")
                same("negated set", lua.find, string.find, s, "[^%" .. letter .. "]")
              end
              same("range", lua.find, string.find, s, "[\\128-\\255]")
              same("frontier", lua.find, string.find, "a" .. s .. "a", "%f[%w]%w")
              same("balance", lua.find, string.find, s .. "x" .. s, "%b" .. s .. s)
            end
            """)
        #expect(mismatches.isEmpty, "\(mismatches)")
        #expect(compared > 25_000)
    }

    @Test("replacement strings and replacement counts")
    func replacementsAndCounts() throws {
        let (_, mismatches) = try PatternParityTests.run("""
            local subjects = { "hello world", "abc", "", "a,b,,c" }
            local patterns = { "(o)", "()(l+)", "%w+", "", "(%w+),?", "x*", "^(%w)" }
            local replacements = { "%0%0", "%1-%1", "%2", "%%", "%", "%a", "[%1]", "100%%", "%9", 7, 1.5 }
            local counts = { nil, 0, -1, 1, 2, 2.0, "2", 2.5, math.maxinteger, math.mininteger, {} }
            for _, s in ipairs(subjects) do
              for _, p in ipairs(patterns) do
                for _, r in ipairs(replacements) do
                  for i = 1, 11 do same("gsub", lua.gsub, string.gsub, s, p, r, counts[i]) end
                end
              end
            end
            """)
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test("numbers where strings or integers are expected, and start positions of every kind")
    func conversions() throws {
        let (_, mismatches) = try PatternParityTests.run("""
            same("find number", lua.find, string.find, 12345, 34)
            same("find float subject", lua.find, string.find, 0.5, ".")
            same("match float", lua.match, string.match, 12.5, "%d+")
            same("gsub number", lua.gsub, string.gsub, 1000, 0, 1)
            same("gmatch number", real_gmatch, our_gmatch, 1234, "%d")
            for _, init in ipairs({ 4.0, "4", " 4 ", "0x4", 1.5, "x", true, {}, 2^63, -2^63 }) do
              same("find init", lua.find, string.find, "abcabc", "c", init)
              same("match init", lua.match, string.match, "abcabc", "c", init)
              same("gmatch init", real_gmatch, our_gmatch, "abcabc", "c", init)
            end
            same("find bad pattern", lua.find, string.find, "abc", {})
            same("gsub bad subject", lua.gsub, string.gsub, nil, "a", "b")
            same("gsub bad count before bad replacement", lua.gsub, string.gsub, "abc", "b", true, "x")
            same("gmatch caret is a byte", real_gmatch, our_gmatch, "^a^a a", "^a")
            same("gmatch past the end", real_gmatch, our_gmatch, "abc", ".", 10)
            same("gmatch empty matches", real_gmatch, our_gmatch, "abc", "x*")
            same("plain find of specials", lua.find, string.find, "a.b(c)[d]%e", "(c)[", 1, true)
            same("plain find past the end", lua.find, string.find, "abc", "", 4)
            same("plain find after the end", lua.find, string.find, "abc", "", 5)
            """)
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test("replacement functions and tables: their results, errors and metamethods")
    func replacementCallbacks() throws {
        let (_, mismatches) = try PatternParityTests.run("""
            local marker = {}
            same("error object", lua.gsub, string.gsub, "abc", "b", function() error(marker) end)
            same("error message", lua.gsub, string.gsub, "abc", "b", function(x) error("boom " .. x) end)
            same("number result", lua.gsub, string.gsub, "abc", "%w", function(x) return x:byte() + 0.5 end)
            same("captures", lua.gsub, string.gsub, "key=value", "(%w+)=(%w+)", function(k, v) return v .. "=" .. k end)
            same("positions", lua.gsub, string.gsub, "abc", "()b()", function(a, b) return a .. ":" .. b end)
            same("bad result", lua.gsub, string.gsub, "abc", "b", function() return {} end)
            same("__index", lua.gsub, string.gsub, "abc", "%w", setmetatable({}, { __index = function(_, k) return k:upper() end }))
            same("__index error", lua.gsub, string.gsub, "abc", "%w", setmetatable({}, { __index = function() error("no") end }))
            same("position key", lua.gsub, string.gsub, "abc", "()b", { [2] = "X" })
            same("unfinished capture key", lua.gsub, string.gsub, "abc", "(b", {})
            local function in_coroutine(gsub) return function(...) return coroutine.wrap(gsub)(...) end end
            same("yield", in_coroutine(lua.gsub), in_coroutine(string.gsub), "abc", "b", coroutine.yield)
            local function calls(gsub)
              return function()
                local count = 0
                local result = gsub("a b c d", "%w", function(x) count = count + 1 return x:upper() end, 3)
                return count, result
              end
            end
            same("calls", calls(lua.gsub), calls(string.gsub))
            """)
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test("table functions on tables read and written through metamethods, and on other values")
    func tableFunctionsThroughMetamethods() throws {
        let (_, mismatches) = try PatternParityTests.run("""
            -- A table whose reads, writes and length go through metamethods to a backing table.
            local function proxied(f)
              return function(items, ...)
                local backing = {}
                for i = 1, #items do backing[i] = items[i] end
                local view = setmetatable({}, {
                  __index = function(_, k) return backing[k] end,
                  __newindex = function(_, k, v) backing[k] = v end,
                  __len = function() return #backing end,
                })
                local results = table.pack(pcall(f, view, ...))
                if not results[1] then error(results[2], 0) end
                for i = 2, results.n do if results[i] == view then results[i] = backing end end
                return backing, table.unpack(results, 2, results.n)
              end
            end
            local items = { "a", "b", "c", "d" }
            same("insert", proxied(lua.insert), proxied(table.insert), items, "x")
            same("insert first", proxied(lua.insert), proxied(table.insert), items, 1, "x")
            same("remove", proxied(lua.remove), proxied(table.remove), items, 2)
            same("move", proxied(lua.move), proxied(table.move), items, 1, 3, 2)
            same("move down", proxied(lua.move), proxied(table.move), items, 2, 4, 1)
            same("concat", proxied(lua.concat), proxied(table.concat), items, ",")
            same("unpack", proxied(lua.unpack), proxied(table.unpack), items)
            same("unpack range", proxied(lua.unpack), proxied(table.unpack), items, 2, 3)
            same("concat numbers", lua.concat, table.concat, { 1, 2.5, 1e100, -0.0, math.mininteger, 2^63, 1/0 }, " ")
            same("concat string", lua.concat, table.concat, "abc")
            same("unpack string", lua.unpack, table.unpack, "abc")
            same("unpack number", lua.unpack, table.unpack, 5)
            local failing = setmetatable({}, { __len = function() return 2 end, __index = function() error("bad") end })
            same("concat __index error", lua.concat, table.concat, failing)
            same("unpack __index error", lua.unpack, table.unpack, failing)
            same("length not an integer", lua.concat, table.concat, setmetatable({}, { __len = function() return 1.5 end }))
            same("length error", lua.remove, table.remove, setmetatable({}, { __len = function() error("len") end }))
            local function equal_pair()
              local eq = { __eq = function() return true end }
              return setmetatable({ 1, 2, 3 }, eq), setmetatable({}, eq)
            end
            local function moved(move)
              return function()
                local a, b = equal_pair()
                move(a, 1, 3, 2, b)
                return b[1], b[2], b[3], b[4]
              end
            end
            same("move to an __eq-equal table", moved(lua.move), moved(table.move))
            local newindex = setmetatable({}, { __newindex = function() error("read-only") end })
            same("insert __newindex error", lua.insert, table.insert, newindex, "x")
            same("move __newindex error", lua.move, table.move, { 1 }, 1, 1, 1, newindex)
            """)
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test("the limits on captures and nesting, and results longer than a buffer's first KiB")
    func limitsAndLongResults() throws {
        let (_, mismatches) = try PatternParityTests.run("""
            same("32 captures", lua.find, string.find, string.rep("a", 32), string.rep("(a)", 32))
            same("33 captures", lua.find, string.find, string.rep("a", 33), string.rep("(a)", 33))
            same("32 captures to a function", lua.gsub, string.gsub, string.rep("a", 32), string.rep("(a)", 32), function(...) return select("#", ...) end)
            for n = 190, 210 do
              same("nesting", lua.match, string.match, string.rep("a", n), string.rep("a?", n) .. "$")
            end
            local long = string.rep("abc ", 3000)
            same("long gsub", lua.gsub, string.gsub, long, "%w+", "<%0>")
            same("long gsub function", lua.gsub, string.gsub, long, "(%w)(%w*)", function(a, b) return b .. a end)
            same("long gsub unchanged", lua.gsub, string.gsub, long, "%w+", false and "" or {})
            same("long match", lua.match, string.match, long, "^(.-)%s*$")
            same("long back-reference", lua.find, string.find, long .. "xyzxyz", "(xyz)%1")
            same("long balance", lua.find, string.find, string.rep("(", 2000) .. string.rep(")", 2000), "%b()")
            local function nested(gsub)
              local function deeper() return (gsub("x", "x", deeper)) end
              return deeper
            end
            same("replacement functions nested until the C stack overflows", nested(lua.gsub), nested(string.gsub))
            -- Moves longer than a batch, up, down and to another table, over a list with holes.
            local function moved(move, first, last, target, other)
              return function()
                local t = {}
                for i = 1, 100 do if i % 7 ~= 0 then t[i] = i end end
                local destination = other and { "x" } or t
                move(t, first, last, target, other and destination or nil)
                local parts = {}
                for i = 1, 250 do parts[i] = tostring(destination[i]) end
                return table.concat(parts, " ")
              end
            end
            for _, case in ipairs({ { 1, 100, 5 }, { 5, 100, 1 }, { 1, 100, 150 }, { 1, 70, 31 }, { 40, 100, 2 } }) do
              local first, last, target = case[1], case[2], case[3]
              same("long move", moved(lua.move, first, last, target), moved(table.move, first, last, target))
              same("long move to another table", moved(lua.move, first, last, target, true),
                moved(table.move, first, last, target, true))
            end
            local words = {}
            for i = 1, 2000 do words[i] = "word" .. i end
            same("long concat", lua.concat, table.concat, words, ", ")
            """)
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test("an error in a replacement function names the function's line, and its message is Lua's")
    func replacementErrorLocation() throws {
        var rule = try RuleHarness("""
            return { handle = function()
              return ("abc"):gsub("b", function(x)
                return x .. nil
              end)
            end }
            """)
        let error = expectLuaError { _ = try rule.handle() }
        #expect(error?.kind == .runtime)
        #expect(error?.message == "attempt to concatenate a nil value")
        #expect(error?.location == LuaSourceLocation(chunk: "rules/test.lua", line: 3))
        try rule.expectHealthy()
    }
}

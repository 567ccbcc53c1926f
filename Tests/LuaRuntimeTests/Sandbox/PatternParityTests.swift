import LuaRuntime
import Testing

/// The sandbox's interruptible matcher (LuaRuntime's PatternMatcher) must give exactly what Lua 5.4's own string
/// library gives: the same results, captures, positions and error messages. A trusted host library hands the rule
/// Lua's own functions (captured before the sandbox is built), and the rule compares both on a corpus: hand-picked
/// patterns and subjects, then thousands of random ones (malformed patterns included).
@Suite("Sandbox: the bounded matcher behaves exactly like Lua's")
struct PatternParityTests {
    static let lua = LuaLibrary(name: "lua", script: LuaScript(name: "=lua", text: """
        return {
          find = string.find, match = string.match, gmatch = string.gmatch, gsub = string.gsub,
          rep = string.rep, concat = table.concat, insert = table.insert, remove = table.remove,
          move = table.move, unpack = table.unpack, sort = table.sort, byte = string.byte, len = utf8.len,
        }
        """))

    /// Lua helpers shared by the cases: `same(name, real, ours, ...)` records a mismatch between Lua's function and
    /// the sandbox's on the same arguments; `report()` returns the number of comparisons and the mismatches.
    static let harness = """
        local mismatches, compared = {}, 0
        local function show(ok, ...)
          local parts = { tostring(ok) }
          for i = 1, select("#", ...) do
            local value = select(i, ...)
            if type(value) == "table" then
              local items = {}
              for j = 1, #value do items[j] = tostring(value[j]) end
              value = "{" .. table.concat(items, ",") .. "}"
            elseif type(value) == "string" and not ok then
              -- Lua's functions handed over by the test library are no longer in the loaded libraries, so a call
              -- that does not name them (pcall(f, ...)) names them '?': the rest of the message is compared.
              value = value:gsub("^[^:]*:%d+: ", ""):gsub("to '[^']*'", "to 'f'")
            end
            parts[#parts + 1] = type(value) .. ":" .. tostring(value)
          end
          return table.concat(parts, " ")
        end
        local function same(name, real, ours, ...)
          compared = compared + 1
          local expected, got = show(pcall(real, ...)), show(pcall(ours, ...))
          if expected ~= got and #mismatches < 20 then
            local args = {}
            for i = 1, select("#", ...) do args[i] = string.format("%q", tostring((select(i, ...)))) end
            mismatches[#mismatches + 1] = name .. "(" .. table.concat(args, ", ") .. "): lua " .. expected .. " / ours " .. got
          end
        end
        local function all(iterate)
          return function(...)
            local results, count = {}, 0
            for a, b, c in iterate(...) do
              count = count + 1
              results[#results + 1] = tostring(a) .. "|" .. tostring(b) .. "|" .. tostring(c)
              if count > 200 then break end
            end
            return results
          end
        end
        local real_gmatch, our_gmatch = all(lua.gmatch), all(string.gmatch)
        local function compare(s, p, init)
          same("find", lua.find, string.find, s, p, init)
          same("find plain", lua.find, string.find, s, p, init, true)
          same("match", lua.match, string.match, s, p, init)
          same("gmatch", real_gmatch, our_gmatch, s, p, init)
          same("gsub", lua.gsub, string.gsub, s, p, "<%0>")
          same("gsub n", lua.gsub, string.gsub, s, p, "%1", 2)
          same("gsub table", lua.gsub, string.gsub, s, p, { a = "A", ["("] = false, b = 1 })
          local function replace(first, ...)
            if first == "a" then return nil elseif first == "b" then return false end
            return select("#", ...) + 1 .. ""
          end
          same("gsub function", lua.gsub, string.gsub, s, p, replace)
        end
        local function report() return compared, table.concat(mismatches, "\\n") end
        """

    static func run(_ body: String) throws -> (compared: Int, mismatches: String) {
        var state = try LuaState(limits: LuaLimits(instructions: 1 << 40, wallClock: .seconds(60)), libraries: [lua])
        let script = try state.load(LuaScript(name: "rules/parity.lua", text: """
            return { handle = function()
            \(harness)
            \(body)
            return report()
            end }
            """))
        let values = try state.call(script, function: "handle").values
        return (Int(values.first?.integerValue ?? 0), values.last?.stringValue ?? "no report")
    }

    @Test("hand-picked patterns, subjects and start positions")
    func handPicked() throws {
        let (compared, mismatches) = try Self.run("""
            local subjects = { "", "a", "hello world", "  key = value  ", "THE (quick) fox", "aaa", "[[x]]", "a.b.c",
              "x=1, y=22, z=333", "f(a(b)c)d", "\\0a\\0b", "\\255\\128abc", "%d%%", "one two  three", "THE END" }
            local patterns = { "", "a", "^a", "a$", "^$", ".", ".-", ".*", "a*", "a+", "a-", "a?", "%a+", "%d+", "%s*",
              "%w+", "%p", "%u%l*", "%x", "%c", "%g+", "[%a_][%w_]*", "[^%s]+", "[a-c]+", "[]]", "[^]]", "[%]]",
              "[a-]", "(%w+)%s*=%s*(%w+)", "()", "()a()", "(a)(b)?", "%b()", "%b[]", "%f[%w]%w+", "%f[%W]",
              "(h)(e)(l)(l)(o)", "(a*(.)%w(%s*))", "%1", "(a)%1", "(.)%1", "^(%s*)(.-)(%s*)$", "[%z]", "%z",
              "\\0", "[\\0-\\31]", "%", "[a", "(()", "%b", "%f", "%fa", "(", ")", "a)", "%9", "(.)%2", "x*$",
              "^%s*(.-)%s*$", "%d%d?%d?", "[+-]?%d+", "%.", "[.]", "%-", "$a", "^^", "a^", "[^^]", "[a-%d]",
              "((((((((((a))))))))))", "%g", "%G", "%S+", "%A", "%D", "[%A%d]" }
            local inits = { nil, 1, 2, 0, -1, -3, 100, math.mininteger, math.maxinteger }
            for _, s in ipairs(subjects) do
              for _, p in ipairs(patterns) do
                for i = 1, 9 do compare(s, p, inits[i]) end
              end
            end
            same("gsub %", lua.gsub, string.gsub, "abc", "b", "%")
            same("gsub %x", lua.gsub, string.gsub, "abc", "b", "%x")
            same("gsub %2", lua.gsub, string.gsub, "abc", "(b)", "%2")
            same("gsub position", lua.gsub, string.gsub, "abc", "()b", "%1")
            same("gsub bad value", lua.gsub, string.gsub, "abc", "b", { b = {} })
            same("gsub bad repl", lua.gsub, string.gsub, "abc", "b", true)
            same("gsub number", lua.gsub, string.gsub, "abc", "b", 5)
            same("too many captures", lua.find, string.find, "a", string.rep("(", 40) .. "a" .. string.rep(")", 40))
            same("too complex", lua.find, string.find, string.rep("a", 300), string.rep("a?", 300) .. string.rep("a", 300))
            same("long", lua.find, string.find, string.rep("ab", 1000) .. "c", "(ab)*c")
            same("find no pattern", lua.find, string.find, "abc")
            same("find bad init", lua.find, string.find, "abc", "b", "x")
            same("match bad subject", lua.match, string.match, {}, "a")
            """)
        #expect(mismatches.isEmpty, "\(mismatches)")
        #expect(compared > 80_000)
    }

    @Test("random patterns and subjects, malformed ones included")
    func random() throws {
        let (compared, mismatches) = try Self.run("""
            math.randomseed(20240601)
            local atoms = { "a", "b", "c", ".", "%a", "%d", "%s", "%w", "%p", "%A", "[ab]", "[^a]", "[a-c]", "[%a_]",
              "%b()", "%f[%w]", "%f[%W]", "(", ")", "()", "%1", "%2", "^", "$", "*", "+", "-", "?", "%", "[", "]",
              "%%", "%.", " ", "1", "_" }
            local letters = { "a", "b", "c", "(", ")", " ", "1", "_", ".", "%", "-", "[", "]", "A", "\\0" }
            for _ = 1, 3000 do
              local p, s = {}, {}
              for i = 1, math.random(1, 7) do p[i] = atoms[math.random(#atoms)] end
              for i = 1, math.random(0, 14) do s[i] = letters[math.random(#letters)] end
              compare(table.concat(s), table.concat(p), math.random(-3, 5))
            end
            """)
        #expect(mismatches.isEmpty, "\(mismatches)")
        #expect(compared > 20_000)
    }

    @Test("the bounded table functions and wrappers agree with Lua's")
    func tableFunctions() throws {
        let (_, mismatches) = try Self.run("""
            local function list(...) return { ... } end
            local function after(f)
              return function(t, ...)
                local copy = {}
                for k, v in pairs(t) do copy[k] = v end
                local results = table.pack(pcall(f, copy, ...))
                if not results[1] then error(results[2], 0) end
                return copy, table.unpack(results, 2, results.n)
              end
            end
            local samples = { {}, list(1), list(1, 2, 3), list("a", "b", "c", "d"), list(3, 1, 2, 5, 4, 9, 7, 8, 6),
              list(1, nil, 3), list("x", 1, "y") }
            for _, t in ipairs(samples) do
              same("concat", lua.concat, table.concat, t)
              same("concat sep", lua.concat, table.concat, t, ", ", 2)
              same("concat range", lua.concat, table.concat, t, "-", 1, 2)
              same("concat past", lua.concat, table.concat, t, "", 1, 5)
              same("concat empty", lua.concat, table.concat, t, "", 3, 1)
              same("insert end", after(lua.insert), after(table.insert), t, "new")
              same("insert first", after(lua.insert), after(table.insert), t, 1, "new")
              same("insert bad", after(lua.insert), after(table.insert), t, 9, "new")
              same("insert args", after(lua.insert), after(table.insert), t, 1, 2, 3)
              same("remove", after(lua.remove), after(table.remove), t)
              same("remove first", after(lua.remove), after(table.remove), t, 1)
              same("remove past", after(lua.remove), after(table.remove), t, #t + 1)
              same("remove bad", after(lua.remove), after(table.remove), t, 7)
              same("move", after(lua.move), after(table.move), t, 1, 3, 2)
              same("move down", after(lua.move), after(table.move), t, 2, 4, 1)
              same("move empty", after(lua.move), after(table.move), t, 3, 1, 1)
              same("unpack", lua.unpack, table.unpack, t)
              same("unpack range", lua.unpack, table.unpack, t, 2, 5)
              same("unpack negative", lua.unpack, table.unpack, t, -2, 1)
              same("sort", after(lua.sort), after(table.sort), t)
              same("sort desc", after(lua.sort), after(table.sort), t, function(a, b) return a > b end)
              same("sort ties", after(lua.sort), after(table.sort), t, function(a, b) return (a % 2) < (b % 2) end)
              same("sort bad comparator", after(lua.sort), after(table.sort), t, 5)
            end
            same("concat not a table", lua.concat, table.concat, "x")
            same("concat bad value", lua.concat, table.concat, { {} })
            same("insert not a table", lua.insert, table.insert, nil, 1)
            same("move to other", function(...) local t = lua.move(...) return #t end, function(...) local t = table.move(...) return #t end, { 1, 2, 3 }, 1, 3, 2, {})
            same("unpack not a table", lua.unpack, table.unpack, 5)
            same("rep", lua.rep, string.rep, "ab", 3, ",")
            same("rep empty sep", lua.rep, string.rep, "", 3, ",")
            same("rep zero", lua.rep, string.rep, "ab", 0)
            same("rep negative", lua.rep, string.rep, "ab", -5)
            same("rep bad", lua.rep, string.rep, "ab", "x")
            same("byte", lua.byte, string.byte, "abc", -2, 9)
            same("byte bad", lua.byte, string.byte, {}, 1)
            same("utf8.len", lua.len, utf8.len, "h\\195\\169llo")
            same("utf8.len invalid", lua.len, utf8.len, "h\\255llo")
            local big = {}
            for i = 1, 2000 do big[i] = (i * 7919) % 2000 end
            same("sort big", after(lua.sort), after(table.sort), big)
            same("sort big strings", after(lua.sort), after(table.sort), (function() local t = {} for i = 1, 500 do t[i] = tostring(big[i]) end return t end)())
            """)
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test("argument errors name the function as Lua does, for calls, method calls and calls through pcall")
    func argumentErrors() throws {
        var rule = try RuleHarness("""
            return { handle = function(which)
              if which == 1 then return ("x"):rep() end
              if which == 2 then return string.rep("x") end
              if which == 3 then return ("x"):byte({}) end
              if which == 4 then return string.find() end
              if which == 5 then return table.concat({}, {}) end
              if which == 6 then return select(2, pcall(table.insert, {}, 9, "x")) end
              if which == 7 then return select(2, pcall(string.byte, "x", {})) end
              return select(2, pcall(tonumber, "10", 99))
            end }
            """)
        let expected = [
            "bad argument #1 to 'rep' (number expected, got no value)",
            "bad argument #2 to 'rep' (number expected, got no value)",
            "bad argument #1 to 'byte' (number expected, got table)",
            "bad argument #1 to 'find' (string expected, got no value)",
            "bad argument #2 to 'concat' (string expected, got table)",
        ]
        for (index, message) in [
            "bad argument #2 to 'table.insert' (position out of bounds)",
            "bad argument #2 to 'string.byte' (number expected, got table)",
            "bad argument #2 to 'tonumber' (base out of range)",
        ].enumerated() {
            #expect(try rule.handle(.value(.integer(Int64(index + 6)))).values == [.string(message)])
        }
        for (index, message) in expected.enumerated() {
            let error = expectLuaError { _ = try rule.handle(.value(.integer(Int64(index + 1)))) }
            #expect(error?.message == message)
            #expect(error?.location == LuaSourceLocation(chunk: "rules/test.lua", line: index + 2))
        }
    }
}

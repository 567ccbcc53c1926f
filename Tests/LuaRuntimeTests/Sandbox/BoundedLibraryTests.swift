import LuaRuntime
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every library function a rule can call, with adversarial arguments: each run ends within the deadline plus a small
/// slack, with a clear error (or its normal result), the process survives, and the next hook of another rule on the
/// same state gives its normal result.
@Suite("Sandbox: no library call outlives the deadline")
struct BoundedLibraryTests {
    enum Expected: Sendable, CustomStringConvertible {
        /// The run is stopped by a limit (time or memory; the instruction budget is set out of reach).
        case stopped
        case error(String)
        case returns([LuaValue])

        var description: String {
            switch self {
            case .stopped: "stopped by a limit"
            case .error(let text): "error containing \"\(text)\""
            case .returns(let values): "returns \(values)"
            }
        }
    }

    struct Attack: Sendable, CustomTestStringConvertible {
        let name: String
        let code: String
        let expected: Expected
        var testDescription: String { name }

        init(_ name: String, _ code: String, _ expected: Expected) {
            (self.name, self.code, self.expected) = (name, code, expected)
        }
    }

    static let deadline = Duration.milliseconds(300)
    /// What a run may take beyond its deadline here: the machine is shared and noisy, so this is generous; the
    /// point is to catch runs that take seconds or never end.
    static let slack = Duration.seconds(1)
    static let limits = LuaLimits(instructions: 1 << 40, wallClock: deadline)

    static let big = "local big = string.rep('a', 16 << 20)\n"
    static let cIndex = "setmetatable({}, { __len = function() return math.maxinteger - 1 end, __index = rawlen, __newindex = rawequal })"

    static let attacks: [Attack] = [
        // string
        Attack("string.rep of an empty string, huge counts", "return #string.rep('', 1e10), #('').rep('', math.maxinteger, '')", .returns([0, 0])),
        Attack("string.rep in a loop", "while true do string.rep('', math.maxinteger) end", .stopped),
        Attack("string.rep too large", "return string.rep('x', math.maxinteger)", .error("resulting string too large")),
        Attack("string.rep over the memory cap", "return #string.rep('ab', 1e9)", .stopped),
        Attack("string.rep of big copies in a loop", big + "while true do local _ = big:rep(2) end", .stopped),
        Attack("string.byte of a whole string in a loop", "local s = string.rep('a', 900000) while true do local _ = s:byte(1, -1) end", .stopped),
        Attack("string.byte with math.mininteger..math.maxinteger", "return select('#', ('abc'):byte(math.mininteger, math.maxinteger))", .returns([3])),
        Attack("string.char with many arguments in a loop", "local t = {} for i = 1, 200000 do t[i] = 65 end while true do string.char(table.unpack(t)) end", .stopped),
        Attack("string.find backtracking on 64 KiB", "local s = string.rep('a', 65536) return s:find('(.-)(.-)(.-)x')", .stopped),
        Attack("string.match backtracking on 64 KiB", "local s = string.rep('a', 65536) return s:match('(.-)(.-)(.-)x')", .stopped),
        Attack("string.gmatch backtracking on 64 KiB", "local s = string.rep('a', 65536) for a in s:gmatch('(.-)(.-)(.-)x') do end", .stopped),
        Attack("string.gsub backtracking on 64 KiB", "local s = string.rep('a', 65536) return s:gsub('(.-)(.-)(.-)x', '')", .stopped),
        Attack("string.find with nested quantifiers", "local s = string.rep('a', 65536) return s:find('a*a*a*a*a*a*a*a*c')", .stopped),
        Attack("string.find %b in a loop", "local s = string.rep('(', 1 << 20) while true do s:find('%b()') end", .stopped),
        Attack("string.find back-references in a loop", big + "while true do big:find('(a*)%1b') end", .stopped),
        Attack("string.gsub growing its result over the memory cap", "local s = string.rep('a', 1 << 20) return #s:gsub('a', string.rep('b', 100))", .stopped),
        Attack("string.gsub with a replacement function that loops", "return ('x'):gsub('x', function() while true do end end)", .stopped),
        Attack("string.gsub with math.maxinteger replacements", "return ('abc'):gsub('', '-', math.maxinteger)", .returns(["-a-b-c-", 4])),
        Attack("plain string.find on 16 MiB, no size limit", big + "return big:find('b', 1, true), (big .. 'b'):find('ab', 1, true)", .returns([.nil, 16_777_216, 16_777_217])),
        Attack("plain string.find of a repetitive needle in a loop", big + "local p = string.rep('a', 1 << 16) .. 'b' while true do big:find(p, 1, true) end", .stopped),
        Attack("string.format of big strings in a loop", big + "while true do local _ = string.format('%s', big) end", .stopped),
        Attack("string.upper in a loop", big + "while true do local _ = big:upper() end", .stopped),
        Attack("string.lower in a loop", big + "while true do local _ = big:lower() end", .stopped),
        Attack("string.reverse in a loop", big + "while true do local _ = big:reverse() end", .stopped),
        Attack("string.sub in a loop", big + "while true do local _ = big:sub(2, -2) end", .stopped),
        Attack("string.len in a loop", big + "while true do local _ = big:len() end", .stopped),
        Attack("string.unpack of many values in a loop", "local f, d = string.rep('i1', 100000), string.rep('\\0', 100000) while true do string.unpack(f, d) end", .stopped),
        Attack("string.packsize of a long format in a loop", "local f = string.rep('i16', 1 << 20) while true do string.packsize(f) end", .stopped),
        Attack("string.pack of a big string in a loop", big + "while true do string.pack('s', big) end", .stopped),
        // utf8
        Attack("utf8.len in a loop", big + "while true do utf8.len(big) end", .stopped),
        Attack("utf8.offset in a loop", big + "while true do utf8.offset(big, #big) end", .stopped),
        Attack("utf8.codepoint of a whole string in a loop", "local s = string.rep('a', 900000) while true do utf8.codepoint(s, 1, -1) end", .stopped),
        Attack("utf8.char with many arguments in a loop", "local t = {} for i = 1, 200000 do t[i] = 65 end while true do utf8.char(table.unpack(t)) end", .stopped),
        Attack("utf8.codes over a big string", big + "for _ in utf8.codes(big) do end", .stopped),
        // table
        Attack("table.concat with a C __index over a huge range", "return table.concat(setmetatable({}, { __index = tostring }), '', 1, math.maxinteger)", .stopped),
        Attack("table.concat with a C __index answering empty strings", "return table.concat(setmetatable({}, { __index = table.concat }), '', 1, math.maxinteger)", .stopped),
        Attack("table.concat growing its result over the memory cap", "local t, s = {}, string.rep('x', 1 << 20) for i = 1, 100 do t[i] = s end return #table.concat(t)", .stopped),
        Attack("table.insert with a huge length and C metamethods", "table.insert(\(cIndex), 1, 'x')", .stopped),
        Attack("table.remove with a huge length and C metamethods", "table.remove(\(cIndex), 1)", .stopped),
        Attack("table.move over 2e9 nils", "table.move({}, 1, 2e9, 2)", .stopped),
        Attack("table.move up to math.maxinteger", "table.move({}, 1, math.maxinteger - 1, 2)", .stopped),
        Attack("table.move wrapping around", "table.move({}, 1, math.maxinteger, 2)", .error("wrap around")),
        Attack("table.move with math.mininteger", "table.move({}, math.mininteger, 0, 1)", .error("too many elements")),
        Attack("table.unpack of a huge range", "return table.unpack({}, 1, 1e7)", .error("too many results to unpack")),
        Attack("table.unpack with math.maxinteger", "return table.unpack({}, math.mininteger, math.maxinteger)", .error("too many results to unpack")),
        Attack("table.unpack through a C __index in a loop", "local t = setmetatable({}, { __index = rawlen }) while true do table.unpack(t, 1, 900000) end", .stopped),
        Attack("table.sort with a huge length and C metamethods", "table.sort(setmetatable({}, { __len = function() return (1 << 31) - 2 end, __index = rawlen, __newindex = rawequal }))", .stopped),
        Attack("table.sort of a big array in a loop", "local t = {} for i = 1, 300000 do t[i] = (i * 7919) % 300000 end while true do table.sort(t) end", .stopped),
        Attack("table.sort with a C comparator in a loop", "local t = {} for i = 1, 300000 do t[i] = i end while true do table.sort(t, math.ult) end", .stopped),
        Attack("table.sort with an invalid order function", "local t = {} for i = 1, 100 do t[i] = i end table.sort(t, function() return true end)", .error("invalid order function")),
        Attack("table.pack of many values in a loop", "local t = {} for i = 1, 200000 do t[i] = i end while true do table.pack(table.unpack(t)) end", .stopped),
        // base
        Attack("tonumber of a long numeral in a loop", "local s = string.rep(' ', 16 << 20) .. '1' while true do tonumber(s) end", .stopped),
        Attack("rawequal of big equal strings in a loop", big + "local other = big:sub(1, -2) .. 'a' while true do rawequal(big, other) end", .stopped),
        Attack("select over many values in a loop", "local t = {} for i = 1, 200000 do t[i] = i end while true do select('#', table.unpack(t)) end", .stopped),
        Attack("print of a big string in a loop", big + "while true do print(big) end", .stopped),
        Attack("select over many values", "local t = {} for i = 1, 200000 do t[i] = i end while true do select(-1, table.unpack(t)) end", .stopped),
        Attack("tostring of big numbers", "return tostring(math.maxinteger), tostring(math.mininteger)", .returns(["9223372036854775807", "-9223372036854775808"])),
        Attack("a memory refusal inside pcall(json.decode)", "return pcall(json.decode, '[' .. string.rep('1,', 8000000) .. '1]')", .stopped),
        Attack("json.decode of big documents in a loop", "local doc = '[' .. string.rep('1,', 500000) .. '1]' while true do pcall(json.decode, doc) end", .stopped),
        Attack("a memory bomb inside pcall", "return pcall(function() local t = {} for i = 1, 1e9 do t[i] = i end end)", .stopped),
        // os, math, coroutine
        Attack("os.date with a long format in a loop", "local f = string.rep('%Y', 1 << 20) while true do os.date(f) end", .stopped),
        Attack("math.random over the whole integer range", "return math.random(math.mininteger, math.maxinteger) ~= nil, math.random(0) ~= nil", .returns([true, true])),
        Attack("a coroutine running a library loop", "local f = coroutine.wrap(table.move) f({}, 1, 2e9, 2)", .stopped),
        Attack("coroutines each running library loops", "while true do coroutine.resume(coroutine.create(table.concat), setmetatable({}, { __index = table.concat }), '', 1, 1 << 20) end", .stopped),
        // the VM itself
        Attack("comparing big strings in a loop", big + "local other = big:sub(1, -2) .. 'a' while true do local _ = big == other end", .stopped),
        Attack("concatenating big strings in a loop", big + "while true do local _ = big .. 'x' end", .stopped),
    ]

    @Test("each run ends within the deadline with a clear error, and the state serves the next hook", arguments: attacks)
    func attack(_ attack: Attack) throws {
        var state = try LuaState(limits: Self.limits, libraries: IsolationTests.libraries)
        let script = try state.load(LuaScript(name: "rules/attacker.lua", text: """
            return { handle = function()
            \(attack.code)
            end }
            """))
        let started = ContinuousClock.now
        let outcome = Result { () throws(LuaError) in try state.call(script, function: "handle") }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed < Self.deadline + Self.slack, "took \(elapsed)")
        switch (attack.expected, outcome) {
        case (.stopped, .failure(let error)):
            #expect(error.kind == .timeLimit || error.kind == .memoryLimit, "\(error)")
            #expect(error.location?.chunk == "rules/attacker.lua", "\(error)")
        case (.error(let text), .failure(let error)):
            #expect(error.kind == .runtime, "\(error)")
            #expect(error.message.contains(text), "\(error)")
            #expect(error.location?.chunk == "rules/attacker.lua", "\(error)")
        case (.returns(let values), .success(let run)):
            #expect(run.values == values)
        default:
            Issue.record("expected \(attack.expected), got \(outcome)")
        }
        try IsolationTests.expectVictimUnharmed(&state)
    }

    /// The functions whose work does not depend on their arguments' size, at their arguments' extremes: each call
    /// returns or raises a clear error at once, and the state serves the next hook.
    static let extremes = [
        "math.abs(math.mininteger)", "math.fmod(math.mininteger, -1)", "math.fmod(1, 0)", "math.tointeger(2^63)",
        "math.floor(-0.0)", "math.ceil(math.huge)", "math.max(math.mininteger, math.maxinteger)", "math.ult(-1, 1)",
        "math.random(math.maxinteger)", "math.random(1, 0)", "math.randomseed(math.mininteger, math.maxinteger)",
        "math.sqrt(-1)", "math.log(0)", "math.exp(1e308)", "math.modf(math.huge)", "math.type(nil)",
        "os.time({ year = math.maxinteger, month = 1, day = 1 })", "os.time({ year = 2024, month = math.mininteger, day = 1 })",
        "os.date('%Ez')", "os.date('*t', math.maxinteger)", "os.date('!%c', math.mininteger)", "os.difftime(math.huge, -math.huge)",
        "os.clock()", "select(math.mininteger, 1, 2)", "select(math.maxinteger, 1, 2)", "select('#')",
        "error('x', math.maxinteger)", "assert(false, {})", "tostring(setmetatable({}, { __tostring = string.rep }))",
        "tostring(setmetatable({}, { __name = 5 }))", "tonumber('0x' .. string.rep('f', 40))", "tonumber('1e99999')",
        "tonumber('z', 36)", "tonumber('10', 1)", "rawlen(5)", "rawequal()", "rawget({}, nil)", "rawset({}, 0/0, 1)",
        "next({}, 'missing')", "ipairs(nil)", "setmetatable({}, { __index = 1 }).x", "getmetatable(setmetatable({}, { __metatable = 1 }))",
        "string.format('%99.99f', -1e308)", "string.format('%q', math.mininteger)", "string.format('%a', 0/0)",
        "string.format('%100d', 1)", "string.format('%d', 2^63)", "string.format('%c', 256)", "string.format('%s')",
        "string.sub('abc', math.mininteger, math.maxinteger)", "string.char(256)", "string.rep('x', -1)",
        "string.pack('i17', 1)", "string.pack('!17', 1)", "string.unpack('z', 'abc')", "string.unpack('i4', 'ab', math.maxinteger)",
        "string.packsize('s')", "string.len(math.mininteger)", "string.reverse('')", "string.upper(1e308)",
        "utf8.char(0x7FFFFFFF)", "utf8.char(-1)", "utf8.codepoint('abc', math.mininteger, math.maxinteger)",
        "utf8.len('abc', math.maxinteger)", "utf8.offset('abc', math.maxinteger)", "utf8.offset('abc', math.mininteger)",
        "utf8.codes('\\255')()", "table.concat({}, '', math.maxinteger, math.maxinteger)", "table.concat({ 'a' }, '', math.mininteger, 1)",
        "table.insert({}, math.maxinteger, 'x')", "table.remove({}, math.mininteger)", "table.unpack({}, math.maxinteger, math.maxinteger)",
        "table.move({ 1 }, 1, 1, math.maxinteger)", "table.pack()", "table.sort({ 1, 'a' })", "table.sort({}, 1)",
        "coroutine.wrap(function() coroutine.yield(1) end)()", "coroutine.resume(coroutine.running())",
        "coroutine.close(coroutine.running())", "coroutine.status(coroutine.create(print))", "coroutine.isyieldable()",
        "coroutine.yield()", "coroutine.wrap(error)('x')", "xpcall(error, error)", "pcall(pcall, pcall, error)",
        "json.decode(string.rep('[', 600) .. string.rep(']', 600))", "json.decode('')", "json.decode(5)", "print(nil, {}, math.huge)",
    ]

    @Test("every other library function at its arguments' extremes answers at once", arguments: extremes)
    func extreme(_ expression: String) throws {
        var state = try LuaState(limits: Self.limits, libraries: IsolationTests.libraries)
        let script = try state.load(LuaScript(name: "rules/attacker.lua", text: """
            return { handle = function()
              return select("#", \(expression))
            end }
            """))
        let started = ContinuousClock.now
        let outcome = Result { () throws(LuaError) in try state.call(script, function: "handle") }
        #expect(ContinuousClock.now - started < .milliseconds(200))
        if case .failure(let error) = outcome {
            #expect(error.kind == .runtime, "\(error)")
            #expect(error.location == LuaSourceLocation(chunk: "rules/attacker.lua", line: 2), "\(error)")
        }
        try IsolationTests.expectVictimUnharmed(&state)
    }

    @Test("the same hook gives the same outcome twice: a refused json.decode does not poison the state")
    func repeatedMemoryRefusal() throws {
        // Time enough for the decoder to reach the memory cap.
        var state = try LuaState(limits: LuaLimits(wallClock: .seconds(20)))
        let script = try state.load(LuaScript(name: "rules/decoder.lua", text: """
            return { handle = function(text)
              local ok, message = pcall(json.decode, text)
              return ok, message
            end }
            """))
        let huge = LuaInput.bytes(Array(("[" + String(repeating: "1,", count: 8_000_000) + "1]").utf8))
        for _ in 1...2 {
            let error = expectLuaError { _ = try state.call(script, function: "handle", arguments: [huge]) }
            #expect(error?.kind == .memoryLimit)
            #expect(error?.message.contains("memory limit exceeded") == true)
        }
        let small = try state.call(script, function: "handle", arguments: [.bytes(Array("[1, 2]".utf8))])
        #expect(small.values.first == true)
    }
}

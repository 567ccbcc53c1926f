/// The Lua code that builds a rule's environment. It runs once per state, with the full standard library, in a
/// private environment; what it returns, `new_env(extras)`, makes a fresh allow-listed environment for every run.
///
/// Written in Lua because an allow-list reads best as Lua: what is in a rule's world is listed here and nowhere else.
/// Everything is *copied* into each new environment, so a rule that overwrites `string.format` or sets a global
/// changes nothing for the next hook.
enum SandboxSource {
    static let chunkName = "=hookrules.sandbox"

    static let text = #"""
    local host_log, json_decode, json_null, max_subject, max_pattern = ...

    local error, next, type, select, tostring, rawget = error, next, type, select, tostring, rawget
    local setmetatable, pcall, table_pack, table_unpack, table_concat =
      setmetatable, pcall, table.pack, table.unpack, table.concat

    -- A pattern match is one C call that no hook can interrupt, and some patterns backtrack super-linearly:
    -- bound what they may be given.
    local function bounded(name, match)
      return function(subject, pattern, ...)
        if type(subject) == "string" and #subject > max_subject then
          error(("string.%s: subject of %d bytes is over the limit of %d bytes"):format(name, #subject, max_subject), 2)
        end
        if type(pattern) == "string" and #pattern > max_pattern then
          error(("string.%s: pattern of %d bytes is over the limit of %d bytes"):format(name, #pattern, max_pattern), 2)
        end
        return match(subject, pattern, ...)
      end
    end

    local safe_string = {}
    for name, fn in next, string do
      if name ~= "dump" then safe_string[name] = fn end
    end
    for _, name in next, { "find", "match", "gmatch", "gsub" } do
      safe_string[name] = bounded(name, string[name])
    end
    -- Method calls on strings ("x"):upper() go through the string metatable: point it at the bounded copy and hide
    -- it, so no rule can reach (and poison) the table every later hook's strings use.
    local string_meta = getmetatable("")
    string_meta.__index = safe_string
    string_meta.__metatable = false

    local function safe_setmetatable(t, meta)
      -- Finalizers run with hooks off: a looping __gc could never be stopped.
      if type(meta) == "table" and rawget(meta, "__gc") ~= nil then
        error("setmetatable: __gc metamethods are not allowed in rules", 2)
      end
      return setmetatable(t, meta)
    end

    -- xpcall's handler runs before the stack unwinds, where a looping handler could not be killed; here it runs
    -- after pcall returned, as ordinary, interruptible code.
    local function safe_xpcall(f, handler, ...)
      local result = table_pack(pcall(f, ...))
      if result[1] then return table_unpack(result, 1, result.n) end
      return false, handler(result[2])
    end

    local function safe_print(...)
      local parts = {}
      for i = 1, select("#", ...) do parts[i] = tostring((select(i, ...))) end
      host_log(table_concat(parts, "\t"))
    end

    local base = {
      assert = assert, error = error, getmetatable = getmetatable, ipairs = ipairs, next = next, pairs = pairs,
      pcall = pcall, print = safe_print, rawequal = rawequal, rawget = rawget, rawlen = rawlen, rawset = rawset,
      select = select, setmetatable = safe_setmetatable, tonumber = tonumber, tostring = tostring, type = type,
      xpcall = safe_xpcall, _VERSION = _VERSION,
    }
    local libraries = {
      string = safe_string, table = table, math = math, utf8 = utf8, coroutine = coroutine,
      os = { time = os.time, date = os.date, clock = os.clock, difftime = os.difftime },
      json = { decode = json_decode, null = json_null },
    }

    local function copy(source)
      local result = {}
      for key, value in next, source do result[key] = value end
      return result
    end

    return function(extras)
      local env = copy(base)
      for name, library in next, libraries do env[name] = copy(library) end
      if extras then
        for name, library in next, extras do env[name] = copy(library) end
      end
      env._G = env
      return env
    end
    """#
}

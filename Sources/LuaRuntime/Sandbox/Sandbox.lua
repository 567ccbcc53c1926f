-- The Lua that builds a rule's environment, embedded in the binary at build time (SandboxSource.swift). It runs
-- once per state, with the full standard library, in the state's global environment; what it returns, `new_env()`,
-- makes a fresh allow-listed environment for every run.
--
-- Written in Lua because an allow-list reads best as Lua: what is in a rule's world is listed here and nowhere else.
-- A run's environment is one new, empty table whose reads fall through to the shared allow-list, so making it costs
-- well under a microsecond; the libraries in the allow-list are read-only views, so a rule that tries to overwrite
-- `string.format` gets an error, and globals a rule sets vanish with its environment.

local host = ...
local host_log, json_decode, json_null, fresh_seed = host.log, host.json_decode, host.json_null, host.fresh_seed
local xml_decode = host.xml_decode
local lazy_index, lazy_length, lazy_build = host.lazy_index, host.lazy_length, host.lazy_build
local bounded, host_libraries = host.bounded, host.libraries

local error, next, type, select, tostring, rawget, rawset = error, next, type, select, tostring, rawget, rawset
local rawlen, rawequal, getmetatable, debug_getmetatable = rawlen, rawequal, getmetatable, debug.getmetatable
local setmetatable, pcall, table_pack, table_unpack, table_concat =
  setmetatable, pcall, table.pack, table.unpack, table.concat
-- The functions of the bounded library and the wrappers it makes keep nothing from one call to the next: their
-- upvalues are the host's (the Swift function behind them as a light userdata, the Lua function they wrap), which
-- `is_stateless` below cannot judge by their type, so it takes these functions as they are.
local host_made = {}
local function made(fn)
  host_made[fn] = true
  return fn
end
local function meter(fn) return made(bounded.meter(fn)) end

-- Every library function a rule can call either does work proportional to values that already passed the memory
-- cap, or answers to the run's budget as it goes (the host's BoundedLibrary): the pattern functions are the
-- host's interruptible matcher, the table loops charge every element, and functions that scan a string without
-- allocating are charged its length.
local function copy(library, except)
  local result = {}
  for name, fn in next, library do
    if not except[name] then result[name] = fn end
  end
  return result
end

local safe_string = copy(string, { dump = true })
for name, fn in next, safe_string do safe_string[name] = meter(fn) end
for _, name in next, { "find", "match", "gmatch", "gsub" } do safe_string[name] = made(bounded[name]) end
safe_string.rep = made(bounded.rep(string.rep))
-- Method calls on strings ("x"):upper() go through the string metatable: point it at the bounded copy and hide
-- it, so no rule can reach (and poison) the table every later hook's strings use.
local string_meta = getmetatable("")
string_meta.__index = safe_string
string_meta.__metatable = false

local safe_table = copy(table, {})
for _, name in next, { "concat", "move", "unpack" } do safe_table[name] = made(bounded[name]) end
for _, name in next, { "insert", "remove", "sort" } do safe_table[name] = made(bounded[name](table[name])) end

local safe_utf8 = copy(utf8, {})
for name, fn in next, safe_utf8 do
  if type(fn) == "function" then safe_utf8[name] = meter(fn) end
end

-- The generator behind math.random is one per state: each run gets it freshly seeded by the host before its first
-- draw, so neither a seed a rule set nor the sequence it drew reaches the next hook.
local safe_math = copy(math, {})
local math_random, math_randomseed = math.random, math.randomseed
function safe_math.random(...)
  local seed1, seed2 = fresh_seed()
  if seed1 then math_randomseed(seed1, seed2) end
  return math_random(...)
end
function safe_math.randomseed(...)
  fresh_seed() -- the run's generator is now the rule's to seed
  return math_randomseed(...)
end

local safe_os = { time = os.time, date = meter(os.date), clock = os.clock, difftime = os.difftime }
local safe_base = { rawequal = meter(rawequal), select = meter(select), tonumber = meter(tonumber) }

-- When a call site does not name the function it calls (pcall(table.insert, ...)), Lua names it in an argument
-- error by where it finds it among the loaded libraries: the bounded functions take the place of Lua's own in
-- those tables, so the message is the one plain Lua gives. Rules never reach these tables, and host libraries
-- loaded before the sandbox keep what they took from them.
for name, fn in next, safe_string do string[name] = fn end
for name, fn in next, safe_table do table[name] = fn end
for name, fn in next, safe_utf8 do utf8[name] = fn end
for name, fn in next, safe_base do _G[name] = fn end
os.date = safe_os.date

-- A lazily decoded body's objects and arrays start as empty placeholders with this metatable; the first touch
-- builds one in place and removes the metatable (the host's LazyJSONBodies). Reads, length and pairs go through
-- these metamethods; the raw functions below build a placeholder first, so a rule never sees one half-made.
local lazy_meta = {
  __index = lazy_index,
  __len = lazy_length,
  __newindex = function(t, key, value)
    lazy_build(t)
    t[key] = value
  end,
  __pairs = function(t)
    lazy_build(t)
    return next, t, nil
  end,
  __metatable = false,
}
local function built(t)
  if debug_getmetatable(t) == lazy_meta then lazy_build(t) end
  return t
end

local function safe_next(t, key) return next(built(t), key) end
local function safe_rawget(t, key) return rawget(built(t), key) end
local function safe_rawlen(t) return rawlen(built(t)) end
local function safe_getmetatable(t) return getmetatable(built(t)) end

local function safe_setmetatable(t, meta)
  -- Finalizers run with hooks off: a looping __gc could never be stopped.
  if type(meta) == "table" and rawget(meta, "__gc") ~= nil then
    error("setmetatable: __gc metamethods are not allowed in rules", 2)
  end
  local ok, result = pcall(setmetatable, built(t), meta)
  if not ok then error(result, 2) end -- reported at the rule's line
  return result
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

-- Libraries are shared by every run of the state, so rules see them through read-only views: an empty proxy
-- per library whose metatable (hidden) reads from a private copy of the library's entries. Nothing a rule can
-- reach leads to that copy: reads, pairs and ipairs hand out its values, never the table, and a table inside a
-- library gets a view of its own. What a hook sees of a library is therefore fixed when the state is made.
local read_only = setmetatable({}, { __mode = "k" })
local views = {}
local function view(library, name)
  if views[library] then return views[library] end
  local entries, proxy = {}, {}
  views[library] = proxy
  for key, value in next, library do
    if type(value) == "table" then value = view(value, name .. "." .. tostring(key)) end
    entries[key] = value
  end
  local function iterate(_, key) return next(entries, key) end
  setmetatable(proxy, {
    __index = entries,
    __newindex = function(_, key)
      error(("%s is read-only: cannot set %s.%s"):format(name, name, tostring(key)), 2)
    end,
    __pairs = function() return iterate, proxy, nil end,
    __metatable = false,
  })
  read_only[proxy] = true
  return proxy
end

local function safe_rawset(t, key, value)
  if read_only[t] then error("rawset: libraries are read-only", 2) end
  return rawset(built(t), key, value)
end

-- An XML element that may repeat is a value when it appears once and a list when it appears more often
-- (docs/runtime.md); xml.list(value) is always the list: nil gives {}, a list itself, anything else { value }.
-- An element's table never has the key 1 (XML names cannot start with a digit), so a table with one is a list.
local function xml_list(value)
  if value == nil then return {} end
  if type(value) == "table" and value[1] ~= nil then return value end
  return { value }
end

local shared = {
  assert = assert, error = error, getmetatable = safe_getmetatable, ipairs = ipairs, next = safe_next,
  pairs = pairs, pcall = pcall, print = safe_print, rawequal = safe_base.rawequal, rawget = safe_rawget,
  rawlen = safe_rawlen, rawset = safe_rawset,
  select = safe_base.select, setmetatable = safe_setmetatable, tonumber = safe_base.tonumber, tostring = tostring,
  type = type,
  xpcall = safe_xpcall, _VERSION = _VERSION,
  string = view(safe_string, "string"), table = view(safe_table, "table"), math = view(safe_math, "math"),
  utf8 = view(safe_utf8, "utf8"), coroutine = view(coroutine, "coroutine"), os = view(safe_os, "os"),
  json = view({ decode = json_decode, null = json_null }, "json"),
  xml = view({ decode = xml_decode, list = xml_list }, "xml"),
}
for name, library in next, host_libraries do
  if name == 1 then
    for global, value in next, library do
      shared[global] = type(value) == "table" and view(value, global) or value
    end
  else
    shared[name] = view(library, name)
  end
end

-- Hidden (__metatable), so no rule can reach the shared table behind its globals.
local environment_meta = { __index = shared, __metatable = false }

-- Whether a rule file's module can serve every later hook of this state without the file running again: only when
-- nothing reachable from the module can carry a value from one hook to the next once each hook gets its own fresh
-- _ENV. The chunk must have set no globals; a function of the rule file reachable from the module may hold, besides
-- the file's _ENV (which the host replaces per hook), upvalues that are a string, number, boolean, nil or a function
-- that passes the same test (a local helper, `local function gid(path) ... end`), never a table, coroutine or
-- userdata. Such an upvalue is a variable a hook could still assign: the answer is a watch list of every one with
-- its value, which the host checks after each hook that reused the module (`unchanged`), and the file runs again
-- from the next hook on if any differs. Library functions keep no per-hook state by contract, so only the tables
-- their closures hold (a rule's spec, an extractor's path) are searched. Gives up (no) after a bounded number of
-- values, so a huge module costs little.
local getinfo, getupvalue, upvalueid = debug.getinfo, debug.getupvalue, debug.upvalueid
local max_visits = 10000
local function is_stateless(module, chunk, chunk_env)
  for key, value in next, chunk_env do
    if key ~= "_G" or value ~= chunk_env then return false end
  end
  local env_id, seen, visits = upvalueid(chunk, 1), {}, 0
  local watch = { n = 0 }
  local function walk(value, held_by_library)
    local kind = type(value)
    if kind == "thread" or kind == "userdata" then return false end
    if kind ~= "table" and kind ~= "function" then return true end
    if seen[value] or host_made[value] then return true end
    seen[value] = true
    visits = visits + 1
    if visits > max_visits then return false end
    if kind == "table" then
      if debug_getmetatable(value) ~= nil then return false end
      for key, item in next, value do
        if not walk(key) or not walk(item) then return false end
      end
      return true
    end
    local info = getinfo(value, "Su")
    local trusted = info.what == "C" or info.source:sub(1, 1) ~= "@"
    if trusted and held_by_library then return true end
    if info.what == "C" then
      -- A C closure is stateless when all it holds are stateless functions; one holding data (a gmatch
      -- iterator's subject and position, a coroutine.wrap function's thread) is not.
      for index = 1, info.nups do
        local _, upvalue = getupvalue(value, index)
        if type(upvalue) ~= "function" or not walk(upvalue, held_by_library) then return false end
      end
      return true
    end
    for index = 1, info.nups do
      local _, upvalue = getupvalue(value, index)
      if trusted then
        if not walk(upvalue, true) then return false end
      elseif upvalueid(value, index) ~= env_id then
        if type(upvalue) == "table" or not walk(upvalue) then return false end
        local n = watch.n
        watch[n + 1], watch[n + 2], watch[n + 3], watch.n = value, index, upvalue, n + 3
      end
    end
    return true
  end
  return walk(module) and watch
end

-- Whether every upvalue of a watch list (is_stateless) still holds the value it held when the module was made.
local function unchanged(watch)
  for i = 1, watch.n, 3 do
    local _, current = getupvalue(watch[i], watch[i + 1])
    if not rawequal(current, watch[i + 2]) then return false end
  end
  return true
end

return function()
  local env = setmetatable({}, environment_meta)
  env._G = env
  return env
end, lazy_meta, is_stateless, unchanged

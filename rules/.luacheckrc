-- luacheck configuration for rule files (rules/*.lua), the world a rule runs in: Lua 5.4 as HookRules' sandbox
-- allows it (docs/runtime.md, "What is in a rule's world") plus the rule API (docs/rules.md). Anything else a rule
-- names, such as a misspelt `feild "id"` or `io.open`, is reported as an undefined variable before a hook arrives.
--
--   luacheck --config rules/.luacheckrc rules/        (what scripts/test.sh runs)
--
-- Keep the rule API's names in step with rules/.luarc.json and rules/.luals/hookrules.lua (the editor types).
std = "hookrules_rule"

stds.hookrules_rule = {
  read_globals = {
    -- The base functions the sandbox allows (load, require, dofile, collectgarbage ... are left out).
    "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall", "print", "rawequal", "rawget", "rawlen",
    "rawset", "select", "setmetatable", "tonumber", "tostring", "type", "xpcall", "_VERSION",
    string = { fields = {
      "byte", "char", "find", "format", "gmatch", "gsub", "len", "lower", "match", "pack", "packsize", "rep",
      "reverse", "sub", "unpack", "upper",
    } },
    table = { fields = { "concat", "insert", "move", "pack", "remove", "sort", "unpack" } },
    math = { fields = {
      "abs", "acos", "asin", "atan", "ceil", "cos", "deg", "exp", "floor", "fmod", "huge", "log", "max",
      "maxinteger", "min", "mininteger", "modf", "pi", "rad", "random", "randomseed", "sin", "sqrt", "tan",
      "tointeger", "type", "ult",
    } },
    utf8 = { fields = { "char", "charpattern", "codepoint", "codes", "len", "offset" } },
    coroutine = { fields = { "close", "create", "isyieldable", "resume", "running", "status", "wrap", "yield" } },
    os = { fields = { "clock", "date", "difftime", "time" } },
    json = { fields = { "decode", "null" } },
    xml = { fields = { "decode", "list" } },
    -- The rule API.
    "rule", "header", "field", "ignore", "by_prefix",
  },
}

-- `return rule { ... }` tables are long lists of mappings.
max_line_length = 120
-- The editor types declare the API rather than use it.
exclude_files = { "**/.luals/*.lua" }

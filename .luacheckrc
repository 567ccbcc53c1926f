-- luacheck configuration for the host's own Lua (scripts/test.sh lints these files); rule files are checked by
-- `hookrules check`.
std = "lua54"
max_line_length = 120

-- The sandbox puts its bounded functions in place of Lua's own in the loaded libraries, so that argument errors name
-- them as plain Lua does (see the comment there).
files["Sources/LuaRuntime/Sandbox/Sandbox.lua"] = { globals = { "string", "table", "utf8", "os" } }

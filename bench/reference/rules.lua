-- The reference the HookRules rule path is measured against: the same rule files and the same rule API (the DSL
-- source HookRules embeds, written to a file by the benchmark), run by plain lua5.4 with Debian's lua-cjson on the
-- same bytes. Per hook: cjson.decode the body, build the hook table, call the rule's handle(). The reference is
-- favoured: each rule file is loaded once and its module reused, with no sandbox, no limits and no validation
-- beyond the subscription's delete policy (without which the requests would differ).
--
-- Usage: lua5.4 bench/reference/rules.lua SECONDS DSL_FILE MANIFEST
--   MANIFEST is a Lua file returning a list of { rule = path, body = path, headers = {...},
--   subscription = { id, integration, presets, deletes } }.
-- stdout: one verification pass first, "REQ\t<capture index>\t<scope>\t<id>" per request, then the timed loop over
-- all captures for about SECONDS of CPU time (os.clock), "TOTAL\t<hooks>\t<records>\t<seconds>". Errors: stderr, 1.
local cjson = require("cjson")
cjson.decode_invalid_numbers(true)
cjson.decode_max_depth(1000)

local function fail(message)
  io.stderr:write("rules.lua: ", message, "\n")
  os.exit(1)
end

local seconds, dsl_file, manifest_file = tonumber(arg[1]), arg[2], arg[3]
if not seconds or not dsl_file or not manifest_file then
  fail("usage: lua5.4 bench/reference/rules.lua SECONDS DSL_FILE MANIFEST")
end

local api = dofile(dsl_file)
local manifest = dofile(manifest_file)

local function read(path)
  local file, err = io.open(path, "rb")
  if not file then fail(err) end
  local text = file:read("a")
  file:close()
  return text
end

local modules = {}
local function module_for(path)
  if not modules[path] then
    local env = setmetatable({}, { __index = function(_, key)
      local value = api[key]
      if value == nil then value = _G[key] end
      return value
    end })
    local chunk, err = load(read(path), "@" .. path, "t", env)
    if not chunk then fail(err) end
    modules[path] = chunk()
  end
  return modules[path]
end

local captures = {}
for index, entry in ipairs(manifest) do
  local headers = {}
  for name, value in pairs(entry.headers or {}) do headers[name:lower()] = value end
  captures[index] = { module = module_for(entry.rule), text = read(entry.body), headers = headers,
    subscription = entry.subscription, id = entry.body }
end

-- The host's delete policy, as HookRules applies it after the rule: ignore (default), delete, or update.
local function apply_delete_policy(out, policy)
  local kept = {}
  for _, request in ipairs(out.requests) do
    local collection = request.scope:match("^(.*)/deleted$")
    if not collection or policy == "delete" then
      kept[#kept + 1] = request
    elseif policy == "update" then
      request.scope = collection .. "/updated"
      kept[#kept + 1] = request
    else
      out.ignored[#out.ignored + 1] = { record = request.record, reason = "delete hooks are off" }
    end
  end
  out.requests = kept
  return out
end

local decode = cjson.decode
local function run(capture)
  local hook = { id = capture.id, integration = capture.subscription.integration,
    subscription = capture.subscription.id, headers = capture.headers, query = {}, raw = capture.text,
    body = decode(capture.text) }
  return apply_delete_policy(capture.module.handle(hook, capture.subscription), capture.subscription.deletes)
end

for index, capture in ipairs(captures) do
  local out = run(capture)
  for _, request in ipairs(out.requests) do
    io.write(("REQ\t%d\t%s\t%s\n"):format(index, tostring(request.scope), tostring(request.id)))
  end
end

local hooks, records, clock = 0, 0, os.clock
for _ = 1, 20 do for _, capture in ipairs(captures) do run(capture) end end -- warm-up
local started, elapsed = clock(), 0
while elapsed < seconds do
  for _, capture in ipairs(captures) do
    local out = run(capture)
    hooks = hooks + 1
    records = records + #out.requests + #out.ignored + #out.errors
  end
  elapsed = clock() - started
end
io.write(("TOTAL\t%d\t%d\t%.6f\n"):format(hooks, records, elapsed))

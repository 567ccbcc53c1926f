-- The rule API every rule file sees as globals: `rule`, `header`, `field`, `ignore`, `by_prefix` (see
-- RuleLanguage.swift; embedded in the binary at build time). It runs once per state as a trusted host library, so a
-- rule is one Lua call whose result is plain data: the host validates it against the integration's catalog and
-- applies the subscription's policies (RequestValidator). Documented for rule authors in docs/rules.md and typed for
-- editors in rules/.luals/hookrules.lua.

local type, error, pairs, ipairs, tostring, xpcall = type, error, pairs, ipairs, tostring, xpcall
local getinfo, traceback = debug.getinfo, debug.traceback
-- Lua's own string functions, taken before the sandbox meters the library's: on every hook's path they work on a
-- payload value (bounded by the integration's body size limit) or a chunk name, and the meter's extra call showed.
local find, sub, byte, format = string.find, string.sub, string.byte, string.format
local AT = byte("@")
local api = {}
-- The preset each by_prefix step reads, so describe() can check it is declared. Weak keys: steps die with
-- the run that made them.
local preset_of_step = setmetatable({}, { __mode = "k" })
-- What each extractor reads (`header "X-Topic"`), for error messages.
local source_of = setmetatable({}, { __mode = "k" })
-- Where a step made by this library (by_prefix) was written in the rule file, for traces.
local defined_at = setmetatable({}, { __mode = "k" })
-- Extractors hold no per-run state, so one per path or header serves every run of the state: a rule file whose
-- module the host cannot keep re-runs on every hook, and making them anew each time cost more than the rest of
-- the chunk. Bounded, so a rule building paths in a loop cannot grow the state without end.
local field_extractors, header_extractors, cached_count = {}, {}, 0
local function remember(cache, key, extractor)
  if cached_count < 4096 then
    cache[key] = extractor
    cached_count = cached_count + 1
  end
end
local preset_types = { boolean = true, string = true, number = true, integer = true, table = true }

-- Extractors: functions of (record, hook) that read one value.

function api.header(name)
  if type(name) ~= "string" then error("header: expects a header name", 2) end
  local cached = header_extractors[name]
  if cached then return cached end
  local key = name:lower()
  local extractor = function(_, hook) return hook.headers[key] end
  source_of[extractor] = ("header %q"):format(name)
  remember(header_extractors, name, extractor)
  return extractor
end

function api.field(path)
  if type(path) ~= "string" or path == "" then error('field: expects a path such as "data.id"', 2) end
  local cached = field_extractors[path]
  if cached then return cached end
  local keys = {}
  for key in path:gmatch("[^.]+") do keys[#keys + 1] = math.tointeger(tonumber(key)) or key end
  local extractor = function(record)
    local value = record
    for i = 1, #keys do
      if type(value) ~= "table" then return nil end
      value = value[keys[i]]
    end
    return value
  end
  source_of[extractor] = ("field %q"):format(path)
  remember(field_extractors, path, extractor)
  return extractor
end

function api.ignore(reason)
  if type(reason) ~= "string" then error("ignore: expects a reason", 2) end
  return { ignore = reason }
end

-- A prerequisite step for ids like "Car:1234": the prefix names a collection through a subscription preset.
function api.by_prefix(options)
  if type(options) ~= "table" or type(options.preset) ~= "string" then
    error('by_prefix: expects { preset = "name", separator = ":", action = "updated" }', 2)
  end
  local preset, separator, action = options.preset, options.separator or ":", options.action or "updated"
  local step = function(request, subscription)
    local id = tostring(request.id)
    local at = find(id, separator, 1, true)
    if not at then error(format("id %q has no %q prefix separator", id, separator), 0) end
    local prefix, rest = sub(id, 1, at - 1), sub(id, at + #separator)
    local prefixes = subscription.presets[preset]
    local collection = type(prefixes) == "table" and prefixes[prefix] or nil
    if type(collection) ~= "string" then
      error(("prefix %q is not in the subscription's preset %q"):format(prefix, preset), 0)
    end
    return { scope = collection .. "/" .. action, id = rest }
  end
  preset_of_step[step] = preset
  defined_at[step] = getinfo(2, "l").currentline
  return step
end

local known_fields = { scopes = true, event = true, on = true, scope = true, id = true, records = true,
  resolve = true, unmapped = true, presets = true, limits = true, verify = true, delivery = true, methods = true,
  reply = true, handshake = true, body = true }
-- The formats a rule may read its bodies in, whatever their Content-Type (BodyFormat.swift).
local body_formats = { json = true, form = true, xml = true, raw = true }
-- Methods a rule may accept besides POST (the intake server refuses the others with 405).
local method_names = { POST = true, PUT = true, PATCH = true, GET = true }
-- Limits an integration may set for its hooks (docs/runtime.md); the host applies them.
local limit_names = { memory_bytes = true, instructions = true, time_ms = true, json_depth = true,
  form_pairs = true, xml_elements = true, body_bytes = true, headers = true, header_bytes = true, requests = true }

local function line_of(fn, fallback)
  if defined_at[fn] then return defined_at[fn] end
  if type(fn) == "function" then
    local info = getinfo(fn, "S")
    if byte(info.source, 1) == AT then return info.linedefined end -- a function of the rule file
  end
  return fallback
end

-- The rule line the current record's mapping comes from, for errors raised where no rule code is running
-- (in a step this library made, or in this library itself).
local current_line

-- The line of the innermost function of the rule file on the stack, from `level` up.
local function rule_line(level)
  while true do
    local info = getinfo(level, "Sl")
    if not info then return nil end
    if byte(info.source, 1) == AT then return info.currentline end
    level = level + 1
  end
end

local function check_spec(spec)
  if type(spec) ~= "table" then error("rule: expects a table", 0) end
  for key in pairs(spec) do
    if not known_fields[key] then error(("rule: unknown field %q"):format(tostring(key)), 0) end
  end
  if type(spec.scopes) ~= "table" or #spec.scopes == 0 then
    error("rule: scopes must list the scopes this integration produces", 0)
  end
  for _, scope in ipairs(spec.scopes) do
    if type(scope) ~= "string" then error("rule: every scope must be a string such as \"product/updated\"", 0) end
  end
  if spec.event == nil and spec.scope == nil then error("rule: needs event (with on) or scope", 0) end
  if spec.event ~= nil and type(spec.event) ~= "function" then
    error("rule: event must be an extractor such as header \"X-Topic\" or field \"type\"", 0)
  end
  if spec.event ~= nil and type(spec.on) ~= "table" then error("rule: event needs an on table", 0) end
  for _, name in ipairs({ "id", "records" }) do
    if spec[name] ~= nil and type(spec[name]) ~= "function" then
      error(("rule: %s must be a function or an extractor"):format(name), 0)
    end
  end
  if spec.resolve ~= nil and type(spec.resolve) ~= "table" then error("rule: resolve must be a table", 0) end
  if spec.presets ~= nil and type(spec.presets) ~= "table" then
    error('rule: presets must be a table such as { ignore_order_messages = "boolean" }', 0)
  end
  for name, kind in pairs(spec.presets or {}) do
    if type(name) ~= "string" or not preset_types[kind] then
      error(("rule: preset %q must be declared as boolean, string, number, integer or table"):format(
        tostring(name)), 0)
    end
  end
  if spec.unmapped ~= nil and spec.unmapped ~= "ignore" and spec.unmapped ~= "error" then
    error('rule: unmapped must be "ignore" or "error"', 0)
  end
  if spec.verify ~= nil then
    local kind = type(spec.verify)
    if kind == "table" then
      if type(spec.verify.scheme) ~= "string" then
        error('rule: verify as a table needs a scheme, such as { scheme = "hmac", header = "X-Signature", ... }', 0)
      end
      for name, value in pairs(spec.verify) do
        if type(name) ~= "string" or type(value) ~= "string" then
          error(("rule: verify setting %s must be a string"):format(tostring(name)), 0)
        end
      end
    elseif kind ~= "string" then
      error('rule: verify must name a signature scheme, such as "shopify", or be a table with a scheme', 0)
    end
  end
  for _, name in ipairs({ "delivery", "reply", "handshake" }) do
    if spec[name] ~= nil and type(spec[name]) ~= "function" then
      error(("rule: %s must be a function or an extractor"):format(name), 0)
    end
  end
  if spec.methods ~= nil then
    if type(spec.methods) ~= "table" then error('rule: methods must be a list such as { "POST", "PUT" }', 0) end
    for _, method in ipairs(spec.methods) do
      if not method_names[method] then
        error(("rule: method %q is not one of POST, PUT, PATCH, GET"):format(tostring(method)), 0)
      end
    end
  end
  if spec.body ~= nil and not body_formats[spec.body] then
    error(('rule: body must be "json", "form", "xml" or "raw", not %s'):format(
      type(spec.body) == "string" and ("%q"):format(spec.body) or type(spec.body)), 0)
  end
  if spec.limits ~= nil and type(spec.limits) ~= "table" then
    error("rule: limits must be a table such as { body_bytes = 1048576 }", 0)
  end
  for name, value in pairs(spec.limits or {}) do
    if not limit_names[name] then error(("rule: unknown limit %q"):format(tostring(name)), 0) end
    if math.type(value) ~= "integer" or value <= 0 then
      error(("rule: limit %s must be a positive integer"):format(name), 0)
    end
  end
end

-- The keys a mapping table may have: a misspelt one (`unles`, `idd`, `chld`) would otherwise do nothing, or fall
-- back to the rule's default without a word.
local mapping_keys = { scope = true, id = true, child = true, unless = true, ignore = true }
local child_keys = { kind = true, id = true }
local resolved_keys = { scope = true, id = true, ignore = true }
-- Mapping tables written in `on` are checked once, when the rule loads (describe); only tables made while a hook
-- runs (a function's result) are checked then. Weak keys: the rule's tables die with its spec.
local checked_mappings = setmetatable({}, { __mode = "k" })

local function unknown_key(tbl, allowed, allowed_text, what)
  for key in pairs(tbl) do
    if not allowed[key] then
      return ("%s has an unknown key %q (allowed: %s)"):format(what, tostring(key), allowed_text)
    end
  end
  return nil
end

-- Why a mapping table (or a list of them) is malformed, or nil.
local function mapping_problem(target)
  if target[1] ~= nil then
    for key in pairs(target) do
      if math.type(key) ~= "integer" then
        return ("a list of mappings has the key %q: a list holds mappings only"):format(tostring(key))
      end
    end
    for _, each in ipairs(target) do
      if type(each) == "table" then
        local problem = mapping_problem(each)
        if problem then return problem end
      end
    end
    return nil
  end
  local problem = unknown_key(target, mapping_keys, "child, id, ignore, scope, unless", "a mapping")
  if problem then return problem end
  if target.child ~= nil then
    if type(target.child) ~= "table" then return "child must be a table { kind = ..., id = ... }" end
    return unknown_key(target.child, child_keys, "id, kind", "child")
  end
  return nil
end

-- Marks a mapping table written in `on` (and the mappings of a list) as checked.
local function mark_checked(target)
  checked_mappings[target] = true
  for _, each in ipairs(target) do
    if type(each) == "table" then checked_mappings[each] = true end
  end
end

local function read(extractor, record, hook)
  if type(extractor) == "function" then return extractor(record, hook) end
  return extractor
end

-- Turns one mapping (a scope, an ignore, a table, a function's result) into outcome entries.
local function emit(spec, target, index, event, record, hook, subscription, out, line)
  current_line = line or current_line
  local kind = type(target)
  if kind == "string" then
    target = { scope = target }
  elseif kind == "function" then
    local result = target(record, hook, subscription)
    return emit(spec, result, index, event, record, hook, subscription, out, line_of(target, line))
  elseif kind ~= "table" then
    error(("event %q maps to a %s; expected a scope, a table, ignore \"...\" or a function"):format(
      tostring(event), kind), 0)
  end
  if not checked_mappings[target] then
    local problem = mapping_problem(target)
    if problem then error(problem, 0) end
  end
  if target.ignore ~= nil then
    out.ignored[#out.ignored + 1] = { record = index, event = event, reason = tostring(target.ignore) }
    return
  end
  if target[1] ~= nil then -- a list of mappings
    for _, each in ipairs(target) do emit(spec, each, index, event, record, hook, subscription, out, line) end
    return
  end
  if target.unless ~= nil and subscription.presets[target.unless] then
    out.ignored[#out.ignored + 1] = { record = index, event = event,
      reason = format("ignored by the subscription's preset %q", tostring(target.unless)) }
    return
  end
  local request = { record = index, scope = target.scope, line = line, event = event,
    id = read(target.id == nil and spec.id or target.id, record, hook) }
  if target.child ~= nil then
    request.origin = { kind = target.child.kind, id = read(target.child.id, record, hook) }
  end
  local resolver = spec.resolve and type(request.scope) == "string" and spec.resolve[request.scope]
  if resolver then
    current_line = line_of(resolver, line)
    local resolved = resolver({ scope = request.scope, id = request.id }, subscription)
    if type(resolved) == "table" and resolved.ignore ~= nil then
      out.ignored[#out.ignored + 1] = { record = index, event = event, reason = tostring(resolved.ignore) }
      return
    end
    if type(resolved) ~= "table" then error("a resolve step must return { scope = ..., id = ... } or ignore", 0) end
    local problem = unknown_key(resolved, resolved_keys, "id, ignore, scope", "a resolve step's result")
    if problem then error(problem, 0) end
    request = { record = index, scope = resolved.scope, id = resolved.id, child_request = true,
      parent = { kind = request.scope, id = request.id }, origin = request.origin, line = current_line }
  end
  out.requests[#out.requests + 1] = request
end

local function one_record(spec, index, record, hook, subscription, out)
  current_line = nil
  local target, event = spec.scope, nil
  if spec.event ~= nil then
    event = spec.event(record, hook)
    if event == nil then
      -- A hook without its event name is malformed (a lost header, a truncated body): it fails, so it is
      -- kept and seen, rather than ignored like an event the rule chose not to handle.
      error(("no event name: %s is missing"):format(source_of[spec.event] or "the event"), 0)
    end
    event = tostring(event)
    target = spec.on[event]
    if target == nil then
      if spec.unmapped == "error" then error(("no mapping for event %q"):format(event), 0) end
      out.ignored[#out.ignored + 1] = { record = index, event = event,
        reason = format("event %q is not mapped by this rule", event) }
      return
    end
  end
  emit(spec, target, index, event, record, hook, subscription, out, nil)
end

-- A record's error: its message (a position inside the host's own Lua removed: it means nothing to a rule
-- author) and the rule line that led to it, the innermost one on the stack or else the mapping's.
local function failure(message)
  local text = type(message) == "string" and message or ("(error object is a %s value)"):format(type(message))
  text = text:gsub("^hookrules%.[%w_.]+:%d+: ", "")
  return { message = text, traceback = traceback(nil, 2), line = rule_line(3) or current_line }
end

-- The sender's id for this delivery (for dedup of redeliveries), read from the hook as a single-record hook's
-- extractors read: `header "X-GitHub-Delivery"`, `field "id"` (the body's id).
local function delivery_of(spec, hook)
  if spec.delivery == nil then return nil end
  local value = spec.delivery(hook.body, hook)
  if value == nil then return nil end
  local kind = type(value)
  if kind ~= "string" and kind ~= "number" then
    error(("delivery must be a string or a number, not a %s"):format(kind), 0)
  end
  return tostring(value)
end

-- The answer a rule asks for (a handshake, an acknowledgement body): nil for the server's usual reply.
local function reply_of(spec, hook, subscription)
  if spec.reply == nil then return nil end
  local reply = spec.reply(hook, subscription)
  if reply == nil then return nil end
  if type(reply) ~= "table" then
    error("reply must return nil or a table such as { status = 200, headers = { ... }, body = \"...\" }", 0)
  end
  return { status = reply.status, headers = reply.headers, body = reply.body }
end

local function handle(spec, hook, subscription)
  local out = { requests = {}, ignored = {}, errors = {} }
  out.delivery = delivery_of(spec, hook)
  out.reply = reply_of(spec, hook, subscription)
  -- Without `records` the body is the one record; a body that was not decoded (raw) is its bytes, so the rule
  -- still runs once and a rule expecting tables fails visibly instead of making no record.
  local body = hook.body
  if body == nil and hook.raw ~= "" then body = hook.raw end
  local records = { body }
  if spec.records ~= nil then
    records = spec.records(hook)
    if type(records) ~= "table" then
      error(("records must return a list of records, not a %s"):format(type(records)), 0)
    end
    -- An object instead of a list would yield no records and no word: refuse it, naming a key it has.
    local iterate, state, control = pairs(records)
    local key = iterate(state, control)
    if key ~= nil and records[1] == nil then
      error(("records must return a list of records, not a table with the key %q"):format(tostring(key)), 0)
    end
  end
  for index, record in ipairs(records) do
    local ok, problem = xpcall(one_record, failure, spec, index, record, hook, subscription, out)
    if not ok then
      problem.record = index
      out.errors[#out.errors + 1] = problem
    end
  end
  return out
end

-- `return rule { ... }` is a tail call: the rule file's frame is gone when this runs, so errors here carry
-- no position and the host reports them at the line of the `rule {` call, which it finds in the source.
local function describe(spec)
  check_spec(spec)
  local events, used = {}, {}
  for event, target in pairs(spec.on or {}) do
    local kind = type(target)
    if kind == "string" then
      events[#events + 1] = { event = tostring(event), scope = target }
    elseif kind == "table" and mapping_problem(target) then
      events[#events + 1] = { event = tostring(event), problem = mapping_problem(target) }
    elseif kind == "table" and target.ignore == nil and target[1] == nil then
      mark_checked(target)
      events[#events + 1] = { event = tostring(event), scope = target.scope }
      if target.unless ~= nil then
        used[#used + 1] = { preset = tostring(target.unless), by = ("event %q"):format(tostring(event)) }
      end
    else
      if kind == "table" then mark_checked(target) end
      events[#events + 1] = { event = tostring(event) }
    end
  end
  local resolved = {}
  for scope, step in pairs(spec.resolve or {}) do
    resolved[#resolved + 1] = tostring(scope)
    if preset_of_step[step] then
      used[#used + 1] = { preset = preset_of_step[step], by = ("resolve %q"):format(tostring(scope)) }
    end
  end
  local presets = {}
  for name, kind in pairs(spec.presets or {}) do presets[#presets + 1] = { name = name, type = kind } end
  local limits = {}
  for name, value in pairs(spec.limits or {}) do limits[#limits + 1] = { name = name, value = value } end
  local verify = nil
  if type(spec.verify) == "string" then
    verify = { scheme = spec.verify }
  elseif spec.verify ~= nil then
    verify = {}
    for name, value in pairs(spec.verify) do verify[name] = value end
  end
  return { scopes = spec.scopes, events = events, resolve = resolved, scope = spec.scope,
    presets = presets, used_presets = used, limits = limits, verify = verify, methods = spec.methods, body = spec.body,
    replies = spec.reply ~= nil, delivery = spec.delivery ~= nil, handshakes = spec.handshake ~= nil }
end


-- A rule file's result: the module the host calls. Only two small closures per run; the work is done by the
-- library functions above. The spec is checked when the host loads the rule (describe), and a rule file
-- builds the same spec whenever it runs again. Closures made here keep only the spec, which the host's
-- is_stateless check searches before it keeps the module between hooks.
function api.rule(spec)
  return {
    handle = function(hook, subscription) return handle(spec, hook, subscription) end,
    describe = function() return describe(spec) end,
    handshake = function(hook, subscription)
      if spec.handshake == nil then return nil end
      local reply = spec.handshake(hook, subscription)
      if reply == nil then return nil end
      if type(reply) ~= "table" then
        error("handshake must return nil or a table such as { status = 200, body = \"...\" }", 0)
      end
      return { status = reply.status, headers = reply.headers, body = reply.body }
    end,
  }
end

return api

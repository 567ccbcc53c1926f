-- wrk script for hookrules-intake-bench: cycles through the bundled captures, built by the driver into the Lua file
-- named by HOOKRULES_BENCH_REQUESTS just before each run (signed as each provider signs, timestamps fresh). Every
-- wrk thread loads it once. Entries:
--   { path, headers, body }                      the same request every time (its rule reads no delivery id);
--   { path, headers, body | before + after, slot, base }
--                                                a fresh delivery id per request, made here: base .. "-" .. the
--                                                file's nonce, the thread and a counter, put in the header `slot`
--                                                or between `before` and `after` (the signature does not cover it);
--   { path, headers, before, after, slot, variants }
--                                                the delivery id is signed: each request takes the next of the
--                                                pre-signed variants ({ id, headers }) this thread owns (variant
--                                                k of n threads: k, k + n, ...); once they run out they repeat, and
--                                                the server counts the repeats as duplicates (the driver reports it).
-- luacheck: globals wrk setup init request next_thread thread_index
local entries, count, next_entry, nonce, threads, counter

function setup(thread)
  next_thread = (next_thread or 0) + 1
  thread:set("thread_index", next_thread)
end

function init(_)
  local file = dofile(os.getenv("HOOKRULES_BENCH_REQUESTS"))
  entries, count, nonce, threads, counter = file.requests, #file.requests, file.nonce, file.threads, 0
  for _, entry in ipairs(entries) do
    if entry.slot == nil then
      entry.request = wrk.format("POST", entry.path, entry.headers, entry.body)
    elseif entry.variants ~= nil then
      entry.next_variant = thread_index
    end
  end
  -- Threads start at different places so connections do not post the same capture at the same moment.
  next_entry = math.floor((thread_index - 1) * count / threads)
end

local function delivery_id(entry)
  if entry.variants == nil then
    counter = counter + 1
    return entry.base .. "-" .. nonce .. "-" .. thread_index .. "-" .. counter, nil
  end
  local variant = entry.variants[entry.next_variant]
  if variant == nil then
    entry.next_variant = thread_index
    variant = entry.variants[thread_index]
  end
  entry.next_variant = entry.next_variant + threads
  return variant.id, variant.headers
end

function request()
  next_entry = next_entry % count + 1
  local entry = entries[next_entry]
  if entry.request ~= nil then return entry.request end
  local id, signature = delivery_id(entry)
  local headers = entry.headers
  if signature ~= nil then
    for name, value in pairs(signature) do headers[name] = value end
  end
  local body = entry.body
  if entry.slot == "body" then
    body = entry.before .. id .. entry.after
  else
    headers[entry.slot] = id
  end
  return wrk.format("POST", entry.path, headers, body)
end

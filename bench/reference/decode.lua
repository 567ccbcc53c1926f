-- The reference HookRules' JSON decoding is measured against: plain lua5.4 with Debian's lua-cjson, on the same files.
-- Usage: lua5.4 bench/reference/decode.lua SECONDS FILE...
-- Reads every file into memory first, then decodes each one repeatedly for about SECONDS of CPU time (os.clock,
-- read once per batch of 100 decodes, after 200 warm-up decodes: the same as on the HookRules side).
-- stdout is only the tab-separated result, one line per file (path as given, bytes, iterations, seconds), then
-- TOTAL, bytes decoded (bytes * iterations summed), an empty field, seconds summed. Errors go to stderr, status 1.
local cjson = require("cjson")

local WARM_UP, BATCH = 200, 100

local function fail(message)
  io.stderr:write("decode.lua: ", message, "\n")
  os.exit(1)
end

local seconds = tonumber(arg[1])
if not seconds or seconds <= 0 or #arg < 2 then
  fail("usage: lua5.4 bench/reference/decode.lua SECONDS FILE...")
end

-- lua-cjson's defaults, pinned so a packaging change cannot alter what is measured: accept the samples as they are
-- (Infinity/NaN/hex numbers allowed; nesting up to 1000). Every number still becomes a double.
cjson.decode_invalid_numbers(true)
cjson.decode_max_depth(1000)

local files = {}
for i = 2, #arg do
  local path = arg[i]
  local file, err = io.open(path, "rb")
  if not file then fail(err) end
  local text = file:read("a")
  file:close()
  local ok, decode_err = pcall(cjson.decode, text)
  if not ok then fail(path .. ": " .. tostring(decode_err)) end
  files[#files + 1] = { path = path, text = text }
end

local decode, clock = cjson.decode, os.clock
local total_bytes, total_seconds = 0, 0
for _, entry in ipairs(files) do
  local text = entry.text
  for _ = 1, WARM_UP do decode(text) end
  local iterations, elapsed, started = 0, 0, clock()
  while elapsed < seconds do
    for _ = 1, BATCH do decode(text) end
    iterations = iterations + BATCH
    elapsed = clock() - started
  end
  io.write(("%s\t%d\t%d\t%.6f\n"):format(entry.path, #text, iterations, elapsed))
  total_bytes = total_bytes + #text * iterations
  total_seconds = total_seconds + elapsed
end
io.write(("TOTAL\t%d\t\t%.6f\n"):format(total_bytes, total_seconds))

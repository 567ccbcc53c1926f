-- The reference HookRules' JSON decoding is measured against: plain lua5.4 with Debian's lua-cjson, on the same files.
-- Usage: lua5.4 bench/reference/decode.lua SECONDS FILE...
-- Prints one tab-separated line per file: path, bytes, iterations, seconds; then TOTAL, bytes decoded, "", seconds.
local cjson = require("cjson")

local seconds = tonumber(arg[1])
assert(seconds and seconds > 0 and #arg >= 2, "usage: lua5.4 decode.lua SECONDS FILE...")

local decode, clock = cjson.decode, os.clock
local total_bytes, total_seconds = 0, 0
for i = 2, #arg do
  local path = arg[i]
  local file = assert(io.open(path, "rb"))
  local text = file:read("a")
  file:close()
  for _ = 1, 200 do decode(text) end -- warm-up, as on the HookRules side
  local iterations, started = 0, clock()
  local elapsed = 0
  while elapsed < seconds do
    for _ = 1, 100 do decode(text) end
    iterations = iterations + 100
    elapsed = clock() - started
  end
  print(("%s\t%d\t%d\t%.6f"):format(path, #text, iterations, elapsed))
  total_bytes = total_bytes + #text * iterations
  total_seconds = total_seconds + elapsed
end
print(("TOTAL\t%d\t\t%.6f"):format(total_bytes, total_seconds))

-- wrk script for hookrules-intake-bench: cycles through pre-built requests (bundled samples with their headers and,
-- where the rule verifies a signature, signed with the demo secret). The driver writes the requests to the file named
-- by HOOKRULES_BENCH_REQUESTS before the run; every wrk thread loads it once.
local requests, count, next_index

function init(args)
  requests = dofile(os.getenv("HOOKRULES_BENCH_REQUESTS"))
  count = #requests
  -- Threads start at different places so connections do not post the same hook at the same moment.
  next_index = (tonumber(args[1]) or 0) % count
end

function request()
  next_index = next_index % count + 1
  local r = requests[next_index]
  return wrk.format("POST", r.path, r.headers, r.body)
end

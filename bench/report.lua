-- wrk script for bench/run.sh.
--   wrk -t2 -c8 -d10s [-H 'Authorization: Bearer TOKEN'] -s bench/report.lua URL [-- PATHS_FILE]
-- With PATHS_FILE, requests cycle through its paths (one per line; each thread starts at a
-- different offset); without it, every request goes to URL's path. Headers given with -H are
-- sent on every request. At the end it prints one machine-readable line:
--   KWRESULT requests=N rps=R p50_ms=A p90_ms=B p99_ms=C max_ms=D bytes_per_req=E errors=F non2xx3xx=G
-- (latencies from wrk's latency distribution; errors = connect+read+write+timeout).

local thread_count = 0
function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
end

local paths = {}
local counter = 0

function init(args)
  local file = args[1]
  if file ~= nil and file ~= "" then
    for line in io.lines(file) do
      if #line > 0 then paths[#paths + 1] = line end
    end
  end
  if #paths == 0 then paths[1] = wrk.path end
  counter = ((tid or 0) * 7919) % #paths
end

function request()
  counter = counter % #paths + 1
  return wrk.format(nil, paths[counter])
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  local n = summary.requests
  io.write(string.format(
    "KWRESULT requests=%d rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f bytes_per_req=%d errors=%d non2xx3xx=%d\n",
    n, n / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000,
    n > 0 and math.floor(summary.bytes / n) or 0,
    e.connect + e.read + e.write + e.timeout, e.status))
end

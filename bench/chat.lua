-- wrk script for bench/run.sh: one POST, configured from the environment.
--   BENCH_BODY     request body (JSON)
--   BENCH_HEADERS  extra headers, "Name: value" separated by "|"
--   BENCH_COUNT    stop after this many responses (a fixed-count run); unset: run for -d
--   BENCH_MARKER   with BENCH_COUNT: a file created when the count is reached
--                  (wrk's main thread sleeps for -d regardless: run.sh then
--                  sends SIGINT, and wrk prints its summary)
-- Prints "RESULT req_per_s p50_us p99_us errors non2xx requests" at the end.
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY") or "{}"
wrk.headers["Content-Type"] = "application/json"
for h in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^|]+") do
  local name, value = string.match(h, "^%s*([^:]+):%s*(.*)$")
  if name then wrk.headers[name] = value end
end

local limit = tonumber(os.getenv("BENCH_COUNT") or "")
local seen = 0

if limit then
  response = function(status, headers, body)
    seen = seen + 1
    if seen == limit then
      wrk.thread:stop()
      local marker = os.getenv("BENCH_MARKER")
      if marker then local f = io.open(marker, "w"); if f then f:close() end end
    end
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %.0f %.0f %.0f %d %d %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status, summary.requests))
end

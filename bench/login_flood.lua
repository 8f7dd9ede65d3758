-- wrk script for bench/capacity.sh: a flood of wrong-password logins.
--   FLOOD_BODY   request body, e.g. {"username":"u","password":"wrong-password"}
-- Counts the responses by status over every wrk thread and prints at the end:
--   FLOOD responses s401 s429 s503 other connect_err read_err write_err timeout_err duration_us p50_us p99_us
wrk.method = "POST"
wrk.body = os.getenv("FLOOD_BODY") or "{}"
wrk.headers["Content-Type"] = "application/json"

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counts = {}
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
  local by = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("counts") or {}) do
      by[status] = (by[status] or 0) + n
    end
  end
  local total, other = 0, 0
  for status, n in pairs(by) do
    total = total + n
    if status ~= 401 and status ~= 429 and status ~= 503 then other = other + n end
  end
  local e = summary.errors
  io.write(string.format("FLOOD %d %d %d %d %d %d %d %d %d %d %.0f %.0f\n",
    total, by[401] or 0, by[429] or 0, by[503] or 0, other,
    e.connect, e.read, e.write, e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(99)))
end

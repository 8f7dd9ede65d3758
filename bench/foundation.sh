#!/usr/bin/env bash
# Throughput and latency of the foundation's endpoints through the real
# stack (nginx -> FastCGI pool -> MariaDB), with wrk on loopback:
#   GET /api/             (no database)
#   POST /api/token/refresh/ (JWT verify + blacklist and user lookups + sign)
#   GET /api/me/          (Bearer auth: JWT verify + user lookup)
# Prints a table; numbers, not pass/fail (this machine is noisy).
#   bench/foundation.sh [duration_s=10]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DUR=${1:-10}
export LLMAPI_TEST_VAR=$ROOT/var/bench LLMAPI_TEST_PORT=${LLMAPI_BENCH_PORT:-18100}
# Each wrk connection pins a worker thread (fastcgi_keep_conn): enough threads.
export LLMAPI_SERVER_THREADS=64 LLMAPI_SERVER_MAX_STREAMS=60 LLMAPI_LIMITS_REQUESTS_PER_MINUTE=0
CTL=$ROOT/tests/integration/stack.sh
command -v wrk >/dev/null || { apt-get install -y -q wrk >/dev/null; }
"$CTL" start >/dev/null
trap '"$CTL" stop >/dev/null 2>&1 || true' EXIT
URL=http://127.0.0.1:$LLMAPI_TEST_PORT

user=bench_$$
curl -s -X POST "$URL/api/signup/" -H 'Content-Type: application/json' \
     -d "{\"username\":\"$user\",\"password\":\"bench-password\"}" >/dev/null
tokens=$(curl -s -X POST "$URL/api/token/" -H 'Content-Type: application/json' \
     -d "{\"username\":\"$user\",\"password\":\"bench-password\"}")
refresh=$(sed -n 's/.*"refresh":"\([^"]*\)".*/\1/p' <<<"$tokens")
access=$(sed -n 's/.*"access":"\([^"]*\)".*/\1/p' <<<"$tokens")
[ -n "$refresh" ] && [ -n "$access" ] || { echo "could not get tokens: $tokens" >&2; exit 1; }

lua=$(mktemp --suffix=.lua)
cat >"$lua" <<LUA
wrk.method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
if body and #body > 0 then wrk.body = body; wrk.headers["Content-Type"] = "application/json" end
local auth = os.getenv("BENCH_AUTH")
if auth and #auth > 0 then wrk.headers["Authorization"] = auth end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.0f %.0f %.0f %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
LUA

run() {  # name path method body auth connections
    local out
    out=$(BENCH_METHOD=$3 BENCH_BODY=$4 BENCH_AUTH=$5 wrk -t1 -c"$6" -d"${DUR}s" -s "$lua" "$URL$2" | grep '^RESULT')
    read -r _ rps p50 p99 errs <<<"$out"
    printf '| %-26s | %4s | %9s | %8s | %8s | %6s |\n' "$1" "$6" "$rps" "$p50" "$p99" "$errs"
}

echo "| endpoint                   | conc |     req/s | p50 (µs) | p99 (µs) | errors |"
echo "|----------------------------|-----:|----------:|---------:|---------:|-------:|"
for c in 1 32; do
    run "GET /api/" /api/ GET "" "" "$c"
    run "POST /api/token/refresh/" /api/token/refresh/ POST "{\"refresh\":\"$refresh\"}" "" "$c"
    run "GET /api/me/" /api/me/ GET "" "Bearer $access" "$c"
done
rm -f "$lua"

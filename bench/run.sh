#!/usr/bin/env bash
# shellcheck disable=SC2046  # pid lists and pkg-config flags are split on purpose
# Chat-completions benchmark of the gateway (nginx -> FastCGI pool -> libcurl
# -> fake upstream), side by side with the fake called directly and with the
# Portkey open-source gateway in front of the same fake. Prints markdown:
#   (a) non-stream POST /v1/chat/completions, wrk -t1 at 1 and 32 connections
#   (b) added latency at 1 connection and CPU µs per request (fixed-count runs)
#   (c) 100 / 500 / 1000 concurrent slow streams: completion, wall time, RSS
#   and the targets, met / not met. Figures, not a test: the VM is noisy.
#
#   bench/run.sh [seconds per row, default 10]
#
# Everything lives in var/bench-chat (MariaDB, pool, nginx on 127.0.0.1:18300,
# the fake on 18997, Portkey on 18301) and is stopped on exit. Environment:
#   BENCH_PORT / BENCH_FAKE_PORT / BENCH_PORTKEY_PORT   ports
#   BENCH_PORTKEY_VERSION   npm version of @portkey-ai/gateway (1.15.2)
#   BENCH_NO_PORTKEY=1      skip Portkey
#   BENCH_STREAMS="100 500 1000"   stream counts; BENCH_CHUNK_DELAY_MS=200
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/bench
DUR=${1:-10}
case "$DUR" in '' | *[!0-9]*) echo "usage: $0 [seconds per row]" >&2; exit 2 ;; esac

VAR=$ROOT/var/bench-chat
BIN=$VAR/bin
PORT=${BENCH_PORT:-18300}
FAKE_PORT=${BENCH_FAKE_PORT:-18997}
PK_PORT=${BENCH_PORTKEY_PORT:-18301}
PK_VERSION=${BENCH_PORTKEY_VERSION:-1.15.2}
STREAM_COUNTS=${BENCH_STREAMS:-100 500 1000}
CHUNK_DELAY=${BENCH_CHUNK_DELAY_MS:-200}
# Fixed-count runs for CPU per request: enough requests for 10 ms clock ticks.
N_GW1=${BENCH_CPU_N1:-3000} N_GW32=${BENCH_CPU_N32:-20000}
N_PK1=${BENCH_PORTKEY_CPU_N1:-1000} N_PK32=${BENCH_PORTKEY_CPU_N32:-4000}

# The stack: tests/integration/stack.sh with the tests' config (providers on
# the fake, moved to our fake port by stack.sh), our own var dir and ports.
# Each open stream holds one pool thread: 2 x (64 + 1024 for chats) threads.
export LLMAPI_TEST_VAR=$VAR LLMAPI_TEST_PORT=$PORT LLMAPI_FAKE_PORT=$FAKE_PORT
export LLMAPI_SERVER_WORKERS=${LLMAPI_SERVER_WORKERS:-2}
export LLMAPI_SERVER_THREADS=${LLMAPI_SERVER_THREADS:-64} LLMAPI_SERVER_MAX_STREAMS=${LLMAPI_SERVER_MAX_STREAMS:-1024}
export LLMAPI_JWT_ACCESS_LIFETIME_S=3600      # one token for the whole run
export LLMAPI_LIMITS_REQUESTS_PER_MINUTE=0 LLMAPI_LIMITS_TOKENS_PER_DAY=0 LLMAPI_LIMITS_MAX_CONCURRENT_REQUESTS=0   # 0 = unlimited: no limit queries
CTL=$ROOT/tests/integration/stack.sh

# shellcheck source=bench/common.sh
. "$BENCH/common.sh"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
BUSY0=$(cpu_busy_pct)

for t in wrk curl g++ pgrep; do
    command -v "$t" >/dev/null || { [ "$t" = wrk ] && apt-get install -y -q wrk >/dev/null; }
    command -v "$t" >/dev/null || die "$t is needed"
done
[ -x "$ROOT/llm-api-fcgi" ] && [ -x "$ROOT/tests/fakes/fake-llm" ] \
    || die "build first: llm-api-fcgi and tests/fakes/fake-llm (make, make check)"

# ---- cleanup: everything started here is stopped here --------------------
PK_PID="" WRK_PID="" SAMPLER_PID="" TMP=$(mktemp -d)
stop_pid() {  # pid [seconds]: TERM, wait, KILL
    local p=$1 i
    [ -n "$p" ] && kill -0 "$p" 2>/dev/null || return 0
    kill -TERM "$p" 2>/dev/null || true
    for i in $(seq 1 $((${2:-5} * 10))); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
}
stop_portkey() {
    [ -n "$PK_PID" ] || return 0
    local kids; kids=$(pgrep -P "$PK_PID" || true)
    stop_pid "$PK_PID"
    for k in $kids; do stop_pid "$k" 2; done
    PK_PID=""
}
cleanup() {
    set +e
    [ -n "$SAMPLER_PID" ] && stop_pid "$SAMPLER_PID" 1
    WRK_PID=$(cat "$TMP/wrk.pid" 2>/dev/null) && grep -q wrk "/proc/$WRK_PID/cmdline" 2>/dev/null \
        && kill -TERM "$WRK_PID" 2>/dev/null
    stop_portkey
    "$CTL" stop >/dev/null 2>&1   # nginx, pool, MariaDB, the fake
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A previous run killed hard may have left this bench's own daemons behind.
mkdir -p "$VAR/run" "$VAR/log" "$BIN"
for f in fcgi nginx fake-llm; do
    p=$(cat "$VAR/run/$f.pid" 2>/dev/null) || continue
    if tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q -e "$VAR" -e "fake-llm --port $FAKE_PORT"; then
        log "stopping a previous run's stack in $VAR"; "$CTL" stop >/dev/null 2>&1 || true; break
    fi
done
for p in "$PORT" "$FAKE_PORT" "$PK_PORT"; do
    port_busy "$p" && die "127.0.0.1:$p is in use (set BENCH_PORT / BENCH_FAKE_PORT / BENCH_PORTKEY_PORT)"
done

# ---- the stream client ------------------------------------------------------
build_stream_client

# ---- start: the fake, MariaDB, the pool, nginx ------------------------------
FAKE=http://127.0.0.1:$FAKE_PORT
GW=http://127.0.0.1:$PORT
log "starting the stack in $VAR (nginx :$PORT, fake :$FAKE_PORT, $LLMAPI_SERVER_WORKERS workers x $LLMAPI_SERVER_THREADS threads)"
"$CTL" start >&2
FAKE_PID=$(cat "$VAR/run/fake-llm.pid")

# ---- Portkey --------------------------------------------------------------
PK_STATUS=""   # empty: running; else the reason it is unavailable
PK_PKG=$VAR/portkey/node_modules/@portkey-ai/gateway
start_portkey() {
    [ "${BENCH_NO_PORTKEY:-0}" = 1 ] && { PK_STATUS="skipped (BENCH_NO_PORTKEY=1)"; return; }
    command -v node >/dev/null && command -v npm >/dev/null || { PK_STATUS="node/npm not installed"; return; }
    local have=""
    [ -f "$PK_PKG/package.json" ] && have=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$PK_PKG/package.json" | head -n 1)
    if [ "$have" != "$PK_VERSION" ]; then
        log "npm install @portkey-ai/gateway@$PK_VERSION into $VAR/portkey"
        mkdir -p "$VAR/portkey"
        [ -f "$VAR/portkey/package.json" ] || echo '{"name":"bench-portkey","private":true}' >"$VAR/portkey/package.json"
        if ! (cd "$VAR/portkey" && npm install --no-audit --no-fund --loglevel=error \
                "@portkey-ai/gateway@$PK_VERSION") >"$VAR/log/portkey-npm.log" 2>&1; then
            PK_STATUS="npm install failed: $(grep -m1 -i 'err' "$VAR/log/portkey-npm.log" | cut -c1-120)"
            return
        fi
    fi
    [ -f "$PK_PKG/build/start-server.js" ] || { PK_STATUS="no build/start-server.js in the package"; return; }
    log "starting Portkey $PK_VERSION on :$PK_PORT (it listens on all interfaces)"
    (cd "$PK_PKG" && exec node build/start-server.js --port="$PK_PORT" --headless) \
        </dev/null >"$VAR/log/portkey.log" 2>&1 &
    PK_PID=$!
    local i
    for i in $(seq 1 150); do
        port_busy "$PK_PORT" && return
        kill -0 "$PK_PID" 2>/dev/null || break
        sleep 0.1
    done
    PK_STATUS="did not start (see $VAR/log/portkey.log)"
    stop_portkey
}
start_portkey

# ---- a user and an access token -------------------------------------------
access_token_of() {  # username: signs up (once) and prints an access token
    curl -s -o /dev/null -X POST "$GW/api/signup/" -H 'Content-Type: application/json' \
         -d "{\"username\":\"$1\",\"password\":\"bench-password\"}" || true
    local tokens t
    tokens=$(curl -s -X POST "$GW/api/token/" -H 'Content-Type: application/json' \
         -d "{\"username\":\"$1\",\"password\":\"bench-password\"}")
    t=$(sed -n 's/.*"access":"\([^"]*\)".*/\1/p' <<<"$tokens")
    [ -n "$t" ] || die "could not get a token for $1: $tokens"
    echo "$t"
}
access=$(access_token_of bench_chat)
# A second user with a request limit of their own (one no run reaches): the
# same path plus the limiter, which every chat pays under the default
# [limits] requests_per_minute = 60 (here with permits taken 1,000 at a time).
access_limited=$(access_token_of bench_limited)
"$CTL" admin set-limits bench_limited --rpm 1000000000 >/dev/null || die "set-limits failed"
# The first user again, with a personal API key instead of the token: the
# key's row is cached as the user's is (API.md section 8: no dearer).
api_key=$("$CTL" admin keys create bench_chat --name "bench-$$" | tail -n 1)
case "$api_key" in sk-llm-*) ;; *) die "could not create an API key: $api_key" ;; esac

BODY='{"model":"fake-gpt-4o-mini","messages":[{"role":"user","content":"hello there"}]}'
declare -A URL HDR
URL[direct]=$FAKE/v1/chat/completions
HDR[direct]="Authorization: Bearer sk-fake"
URL[gateway]="$GW/v1/chat/completions?provider=openai"
HDR[gateway]="Authorization: Bearer $access"
URL[key]=${URL[gateway]}
HDR[key]="Authorization: Bearer $api_key"
URL[limited]=${URL[gateway]}
HDR[limited]="Authorization: Bearer $access_limited"
URL[portkey]=http://127.0.0.1:$PK_PORT/v1/chat/completions
HDR[portkey]="x-portkey-provider: openai|x-portkey-custom-host: $FAKE/v1|Authorization: Bearer sk-fake"
PATHS="direct gateway key limited"; [ -z "$PK_STATUS" ] && PATHS="direct gateway key limited portkey"

for p in $PATHS; do  # one request each must answer 200 with the fake's reply
    IFS='|' read -r -a hs <<<"${HDR[$p]}"
    args=(); for h in "${hs[@]}"; do args+=(-H "$h"); done
    r=$(curl -s -w ' HTTP%{http_code}' -X POST "${URL[$p]}" -H 'Content-Type: application/json' "${args[@]}" -d "$BODY")
    case "$r" in *fake-openai*HTTP200) ;; *)
        if [ "$p" = portkey ]; then PK_STATUS="probe failed: ${r:0:120}"; PATHS="direct gateway key limited"; stop_portkey
        else die "$p: unexpected answer: $r"; fi ;;
    esac
done

# ---- measurement helpers ---------------------------------------------------
pids_of() {  # gateway | pool | nginx | db | direct | portkey
    local m
    case $1 in
        gateway) pids_of pool; pids_of nginx ;;
        pool) m=$(cat "$VAR/run/fcgi.pid"); echo "$m" $(pgrep -P "$m") ;;
        nginx) m=$(cat "$VAR/run/nginx.pid"); echo "$m" $(pgrep -P "$m") ;;
        db) cat "$VAR/mysql/mysqld.pid" ;;
        direct) echo "$FAKE_PID" ;;
        portkey) echo "$PK_PID" $(pgrep -P "$PK_PID") ;;
    esac
}
rss_kib() {  # sum of VmRSS (KiB) of the given pids
    local p files=()
    for p in "$@"; do files+=("/proc/$p/status"); done
    awk '/^VmRSS:/ { s += $2 } END { print s + 0 }' "${files[@]}" 2>/dev/null || echo 0
}
wrk_env() { env BENCH_BODY="$BODY" BENCH_HEADERS="${HDR[$1]}" "${@:2}"; }

# A timed row: "rps p50 p99 sockerr non2xx requests".
timed() {  # path conc seconds
    fake_reset
    local out
    out=$(wrk_env "$1" wrk -t1 -c"$2" -d"$3s" -s "$BENCH/chat.lua" "${URL[$1]}" 2>&1 | grep '^RESULT') || out="RESULT 0 0 0 -1 -1 0"
    echo "${out#RESULT }"
}

# A fixed-count run: wrk stops its loop after COUNT responses and touches a
# marker; we then SIGINT it (its main thread sleeps for -d otherwise) and it
# prints its summary. Prints "requests" then CPU µs per request of each group
# (pids_of names), from utime+stime before and after.
fixed() {  # path conc count group...
    local path=$1 conc=$2 count=$3; shift 3
    local marker=$TMP/done.$RANDOM g before=() after=() out i=0
    fake_reset
    for g in "$@"; do before+=("$(cpu_ticks $(pids_of "$g"))"); done
    # A simple command (no function), so that $! is wrk itself.
    BENCH_BODY=$BODY BENCH_HEADERS=${HDR[$path]} BENCH_COUNT=$count BENCH_MARKER=$marker \
        wrk -t1 -c"$conc" -d300s -s "$BENCH/chat.lua" "${URL[$path]}" >"$TMP/fixed.out" 2>&1 &
    WRK_PID=$!
    echo "$WRK_PID" >"$TMP/wrk.pid"   # this runs in $(...): the EXIT trap reads it
    while kill -0 "$WRK_PID" 2>/dev/null && [ ! -e "$marker" ]; do sleep 0.02; done
    kill -INT "$WRK_PID" 2>/dev/null || true
    wait "$WRK_PID" 2>/dev/null || true
    WRK_PID=""
    for g in "$@"; do after+=("$(cpu_ticks $(pids_of "$g"))"); done
    out=$(grep '^RESULT' "$TMP/fixed.out") || out="RESULT 0 0 0 0 0 0"
    local reqs; reqs=$(awk '{print $7}' <<<"$out")
    printf '%s' "$reqs"
    for g in "$@"; do
        awk -v a="${after[$i]}" -v b="${before[$i]}" -v n="$reqs" -v hz="$TICK" \
            'BEGIN { printf " %.0f", (n > 0 ? (a - b) * 1e6 / hz / n : 0) }'
        i=$((i + 1))
    done
    echo
}

# The gateway's own view of its 1-connection row: accept -> finish p50 from
# its access log (duration_ms), mean upstream time from /metrics.
ACCESS_LOG=$VAR/log/access.log INSIDE=""
upstream_sum_count() {
    curl -s "$GW/metrics" | awk '/^llm_api_upstream_seconds_sum\{provider="openai"\}/ { s = $2 }
        /^llm_api_upstream_seconds_count\{provider="openai"\}/ { c = $2 } END { print s + 0, c + 0 }'
}
inside_before() { IN_LINES=$(wc -l <"$ACCESS_LOG" 2>/dev/null || echo 0); IN_UP=$(upstream_sum_count); }
inside_after() {
    local p50 up
    p50=$(tail -n +$((IN_LINES + 1)) "$ACCESS_LOG" 2>/dev/null | grep '"route":"/v1/chat/completions"' |
        sed -n 's/.*"duration_ms":\([0-9.]*\).*/\1/p' | sort -g | awk '{ v[NR] = $1 } END { if (NR) printf "%.0f", v[int((NR + 1) / 2)] * 1000 }')
    up=$(awk -v a="$IN_UP" -v b="$(upstream_sum_count)" 'BEGIN { split(a, x, " "); split(b, y, " ");
        if (y[2] > x[2]) printf "%.0f", (y[1] - x[1]) / (y[2] - x[2]) * 1e6 }')
    [ -n "$p50" ] && [ -n "$up" ] && INSIDE="$p50 $up"
    return 0
}

# Warm-up (connections, Portkey's JIT), not reported.
log "warming up ($PATHS)"
for p in $PATHS; do timed "$p" 32 2 >/dev/null; done

# ---- (a) throughput and latency -------------------------------------------
label() { case $1 in direct) echo "fake, direct" ;; gateway) echo "gateway (nginx+FastCGI)" ;;
    key) echo "gateway, API key" ;;
    limited) echo "gateway, rpm limit counted" ;; portkey) echo "Portkey $PK_VERSION (node)" ;; esac; }
declare -A R
echo
echo "### (a) Non-stream chat completions, wrk -t1, ${DUR} s per row"
echo
echo "| path                       | conc |    req/s | p50 (µs) | p99 (µs) | errors (socket/non-2xx) |"
echo "|----------------------------|-----:|---------:|---------:|---------:|------------------------:|"
for c in 1 32; do
    for p in $PATHS; do
        log "timed: $p, $c connection(s)"
        [ "$p:$c" = gateway:1 ] && inside_before
        R[$p:$c]=$(timed "$p" "$c" "$DUR")
        [ "$p:$c" = gateway:1 ] && inside_after
        read -r rps p50 p99 se ne _ <<<"${R[$p:$c]}"
        printf '| %-26s | %4s | %8s | %8s | %8s | %23s |\n' "$(label "$p")" "$c" "$rps" "$p50" "$p99" "$se/$ne"
    done
done
[ -n "$PK_STATUS" ] && echo && echo "portkey: unavailable ($PK_STATUS)"

# ---- (b) added latency, CPU per request -----------------------------------
declare -A C
log "fixed-count CPU runs"
C[gateway:1]=$(fixed gateway 1 "$N_GW1" nginx pool db)
C[gateway:32]=$(fixed gateway 32 "$N_GW32" nginx pool db)
C[direct:1]=$(fixed direct 1 "$N_GW1" direct)
C[direct:32]=$(fixed direct 32 "$N_GW32" direct)
if [[ " $PATHS " = *" portkey "* ]]; then
    C[portkey:1]=$(fixed portkey 1 "$N_PK1" portkey direct)
    C[portkey:32]=$(fixed portkey 32 "$N_PK32" portkey direct)
fi
read -r _ gw_p50 _ <<<"${R[gateway:1]}"
read -r _ dir_p50 _ <<<"${R[direct:1]}"
added=$((gw_p50 - dir_p50))
pk_added="n/a"
if [ -n "${R[portkey:1]:-}" ]; then read -r _ pk_p50 _ <<<"${R[portkey:1]}"; pk_added=$((pk_p50 - dir_p50)); fi

echo
echo "### (b) Added latency and CPU per request"
echo
echo "Added p50 at 1 connection (path p50 − direct p50): gateway **$added µs**, Portkey **$pk_added$([ "$pk_added" = n/a ] || echo " µs")**."
read -r _ lim_p50 _ <<<"${R[limited:1]}"
read -r _ key_p50 _ <<<"${R[key:1]}"
read -r key_rps _ <<<"${R[key:32]}"
read -r gw_rps _ <<<"${R[gateway:32]}"
echo
echo "With an API key instead of the access token (same user, no limit): added p50 **$((key_p50 - dir_p50)) µs**"
echo "(token: $added µs); $key_rps req/s at 32 connections (token: $gw_rps)."
echo
echo "With a request limit counted (user bench_limited, its own requests_per_minute, never reached): added"
echo "p50 **$((lim_p50 - dir_p50)) µs** — far below its limit, a worker takes 1,000 permits per UPDATE on rate_windows (limit/16, at most 1,000), so one request in a thousand pays the round trip and commit (README, \"Limits\")."
if [ -n "$INSIDE" ]; then
    read -r in_p50 up_mean <<<"$INSIDE"
    echo
    echo "Inside the gateway during its 1-connection row (its own access log and /metrics): accept → response"
    echo "finished p50 **$in_p50 µs**, of which the upstream call (libcurl → fake → back) **$up_mean µs** on average."
    echo "The other $((gw_p50 - in_p50)) µs of the gateway's p50 are nginx, the FastCGI hop and the wait on the"
    echo "kept-alive FastCGI connection while its thread finishes the previous request's after-response work"
    echo "(its access-log line; usage rows are written by another thread, in batches)."
fi
echo
echo "CPU per request from /proc/PID/stat (utime+stime, ${TICK} Hz ticks) before/after a fixed-count run:"
echo
echo "| path                       | conc | requests | CPU µs/req | breakdown (µs/req)                        |"
echo "|----------------------------|-----:|---------:|-----------:|-------------------------------------------|"
for c in 1 32; do
    read -r n ng pl db <<<"${C[gateway:$c]}"
    printf '| %-26s | %4s | %8s | %10s | %-41s |\n' "gateway: nginx + pool" "$c" "$n" "$((ng + pl))" \
        "nginx $ng, pool $pl (+ MariaDB $db: batched usage rows)"
    read -r n fk <<<"${C[direct:$c]}"
    printf '| %-26s | %4s | %8s | %10s | %-41s |\n' "fake, direct" "$c" "$n" "$fk" "the fake (httplib) itself"
    if [ -n "${C[portkey:$c]:-}" ]; then
        read -r n pk fk <<<"${C[portkey:$c]}"
        printf '| %-26s | %4s | %8s | %10s | %-41s |\n' "Portkey: node" "$c" "$n" "$pk" "node (+ the fake $fk)"
    fi
done

# A single Portkey stream, for the record (it is not in (c)).
PK_STREAM=""
if [[ " $PATHS " = *" portkey "* ]]; then
    fake_reset
    PK_STREAM=$(curl -s -m 20 -o "$TMP/pk-stream" -w '%{http_code}' -X POST "${URL[portkey]}" \
        -H 'Content-Type: application/json' -H 'x-portkey-provider: openai' \
        -H "x-portkey-custom-host: $FAKE/v1" -H 'Authorization: Bearer sk-fake' \
        -d '{"model":"fake-gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}' || true)
    if grep -q 'data: \[DONE\]' "$TMP/pk-stream" 2>/dev/null; then PK_STREAM="HTTP $PK_STREAM, ended with [DONE]"
    else PK_STREAM="HTTP $PK_STREAM: $(head -c 160 "$TMP/pk-stream" 2>/dev/null | tr '\n' ' ')"; fi
fi
stop_portkey   # (c) is the gateway alone

# ---- (c) concurrent slow streams ------------------------------------------
SBODY='{"model":"fake-gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"please count to three"}]}'
sampler() {  # peak RSS (KiB) of pool and nginx, every 100 ms, into $1
    local pool=$2 ngx=$3 peak_pool=0 peak_ngx=0 a b
    while :; do
        a=$(rss_kib $pool); b=$(rss_kib $ngx)
        [ "$a" -gt "$peak_pool" ] && peak_pool=$a
        [ "$b" -gt "$peak_ngx" ] && peak_ngx=$b
        echo "$peak_pool $peak_ngx" >"$1.tmp" && mv "$1.tmp" "$1"
        sleep 0.1
    done
}
idle_pool=$(rss_kib $(pids_of pool)); idle_ngx=$(rss_kib $(pids_of nginx))
echo
echo "### (c) Concurrent slow streams through the gateway"
echo
echo "Each stream: \`\"stream\":true\`, fake behaviour \`chunk_delay_ms\`=$CHUNK_DELAY, 15 events (≈$((14 * CHUNK_DELAY)) ms)."
echo "One process (libcurl multi) opens all N at once. RSS = sum of VmRSS sampled every 100 ms, peak;"
echo "pool = llm-api-fcgi master + $LLMAPI_SERVER_WORKERS workers ($LLMAPI_SERVER_WORKERS x ($LLMAPI_SERVER_THREADS + $LLMAPI_SERVER_MAX_STREAMS) threads). Idle before: pool $(mb "$idle_pool") MB, nginx $(mb "$idle_ngx") MB."
echo
echo "| streams | started | ended with [DONE] | failed | wall (s) | first byte max (ms) | fake max in flight | CPU nginx+pool (ms) | pool RSS peak (MB) | nginx RSS peak (MB) |"
echo "|--------:|--------:|------------------:|-------:|---------:|--------------------:|-------------------:|--------------------:|-------------------:|--------------------:|"
declare -A S
NOTES=""
for n in $STREAM_COUNTS; do
    log "$n concurrent streams"
    fake_reset
    beh=$(printf "{\"chunk_delay_ms\":$CHUNK_DELAY},%.0s" $(seq 1 "$n")); beh="[${beh%,}]"
    q=$(curl -s -X POST "$FAKE/_control/script" -H 'Content-Type: application/json' --data-binary "$beh")
    [ "$q" = "{\"queued\":$n}" ] || die "could not queue $n behaviours: $q"
    pool_pids=$(pids_of pool); ngx_pids=$(pids_of nginx)
    cpu0=$(cpu_ticks $pool_pids $ngx_pids)
    sampler "$TMP/rss" "$pool_pids" "$ngx_pids" &
    SAMPLER_PID=$!
    out=$("$BIN/stream-client" "${URL[gateway]}" "$n" "$SBODY" "Authorization: Bearer $access") || true
    sleep 0.2
    stop_pid "$SAMPLER_PID" 1; SAMPLER_PID=""
    cpu1=$(cpu_ticks $pool_pids $ngx_pids)
    read -r peak_pool peak_ngx <"$TMP/rss"
    stats=$(curl -s "$FAKE/_control/stats")
    maxin=$(sed -n 's/.*"max_in_flight":\([0-9]*\).*/\1/p' <<<"$stats")
    left=$(sed -n 's/.*"script_queued":\([0-9]*\).*/\1/p' <<<"$stats")
    kv() { sed -n "s/.* $1=\\([^ ]*\\).*/\\1/p" <<<" $out"; }
    started=$(kv started); dn=$(kv "done"); failed=$(kv failed); wall=$(kv wall_s); fbmax=$(kv first_byte_max_ms)
    errs=$(sed -n 's/.*errors="\(.*\)"$/\1/p' <<<"$out")
    printf '| %7s | %7s | %17s | %6s | %8s | %19s | %18s | %19s | %18s | %19s |\n' "$n" "${started:-?}" "${dn:-?}" \
        "${failed:-?}" "${wall:-?}" "${fbmax:-?}" "${maxin:-?}" "$(((cpu1 - cpu0) * 1000 / TICK))" \
        "$(mb "$peak_pool")" "$(mb "$peak_ngx")"
    [ -n "$errs" ] && NOTES+="- $n streams: $errs"$'\n'
    [ "${left:-0}" != 0 ] && NOTES+="- $n streams: $left behaviours left in the fake's queue (requests that never reached it)"$'\n'
    S[$n]="${started:-0} ${dn:-0} $peak_pool"
done
[ -n "$NOTES" ] && printf '\n%s' "$NOTES"
[ -n "$PK_STREAM" ] && echo && echo "Portkey, one stream (\`\"stream\":true\`) for the record: $PK_STREAM"

# ---- targets ----------------------------------------------------------------
verdict() { if [ "${1:-}" = 1 ]; then echo "met"; else echo "**not met**"; fi; }
echo
echo "### Targets"
echo
echo "| target | figure | result |"
echo "|---|---|---|"
echo "| added p50 ≤ 250 µs at concurrency 1 | $added µs (gateway $gw_p50 − direct $dir_p50) | $(verdict "$([ "$added" -le 250 ] && echo 1)") |"
read -r gw32 _ <<<"${R[gateway:32]}"
if [ -n "${R[portkey:32]:-}" ]; then
    read -r pk32 _ <<<"${R[portkey:32]}"
    ratio=$(awk -v a="$gw32" -v b="$pk32" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')
    echo "| gateway req/s at concurrency 32 ≥ 5× Portkey's | $gw32 vs $pk32 = ${ratio}× | $(verdict "$(awk -v r="$ratio" 'BEGIN { if (r >= 5) print 1 }')") |"
else
    echo "| gateway req/s at concurrency 32 ≥ 5× Portkey's | $gw32 vs n/a (portkey unavailable: $PK_STATUS) | n/a |"
fi
if [ -n "${S[1000]:-}" ]; then
    read -r st dn pk <<<"${S[1000]}"
    ok=$(awk -v d="$dn" -v p="$pk" 'BEGIN { if (d == 1000 && p * 1024 / 1e6 <= 300) print 1 }')
    echo "| 1,000 concurrent streams complete, pool RSS ≤ 300 MB | $dn/1000 ended with [DONE] ($st started), pool peak $(mb "$pk") MB | $(verdict "$ok") |"
else
    echo "| 1,000 concurrent streams complete, pool RSS ≤ 300 MB | not run (BENCH_STREAMS=$STREAM_COUNTS) | n/a |"
fi
echo
echo "_$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) vCPUs, $(uname -r), ${DUR} s per row, CPUs ${BUSY0}% busy with other work just before the run; wrk, nginx, pool, MariaDB, fake and Portkey share the cores._"

#!/usr/bin/env bash
# shellcheck disable=SC2046,SC2086,SC2012  # pid lists are split on purpose; /proc/PID/fd holds numbers
# Capacity benchmark of the gateway: how many concurrent slow streams the
# default server configuration holds, what happens to the ones it cannot, and
# whether the service stays responsive meanwhile; then a flood of wrong-password
# logins next to a chat and /healthz. Prints markdown figures; asserts nothing.
#
#   bench/capacity.sh [LEVELS...]          default levels: 1000 4000
#   LLMAPI_SERVER_MAX_STREAMS=5120 bench/capacity.sh 10000   (2 x 5,120 seats)
#
# Per level N: N streams ("stream":true, ~BENCH_STREAM_SECONDS each, the
# fake's chunk_delay_ms) opened at once by bench/stream_client.cpp against
# nginx; meanwhile /healthz every 250 ms (curl, 5 s timeout) and the pool's
# RSS, threads and descriptors, nginx's RSS, every 500 ms (peaks).
#
# Everything lives in var/bench-capacity (MariaDB, pool, nginx on
# 127.0.0.1:18400, the fake on 18996) and is stopped on exit. The pool runs
# conf/app.ini's [server] settings (workers, threads, and max_streams /
# thread_stack_kb when this build has them), not the tests' small ones; any of
# them can be set in the environment as LLMAPI_SERVER_<KEY>. Environment:
#   BENCH_PORT / BENCH_FAKE_PORT         ports (18400 / 18996)
#   BENCH_STREAM_SECONDS=20              how long each stream lasts
#   BENCH_FLOOD_SECONDS=20 BENCH_FLOOD_CONNS=300   the login flood
#   BENCH_PROBE_TIMEOUT_S=5              curl timeout of the /healthz and chat probes
#   STREAM_CLIENT_TIMEOUT_S=120          a stream with no response this long is "hung"
#   BENCH_NO_FLOOD=1                     skip the login flood
#   BENCH_UPSTREAM_KEEPALIVE=1           let the pool keep its connections to the fake alive
#   BENCH_LOADGEN_NICE=0                 nice level of the stream client, wrk and the fake (19: they stand
#                                        for remote clients and the provider, whose CPU is not the host's;
#                                        the chat probes keep 0, the /healthz sampler runs at SCHED_FIFO);
#                                        "idle": SCHED_IDLE, the CPU only the host's own processes leave
# The raw samples of the last run stay in var/bench-capacity/last-run.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/bench

LEVELS=("$@")
[ ${#LEVELS[@]} -gt 0 ] || LEVELS=(1000 4000)
for n in "${LEVELS[@]}"; do
    case "$n" in '' | *[!0-9]* | 0) echo "usage: $0 [LEVELS...]   (stream counts, e.g. 1000 4000 10000)" >&2; exit 2 ;; esac
done

VAR=$ROOT/var/bench-capacity
BIN=$VAR/bin
PORT=${BENCH_PORT:-18400}
FAKE_PORT=${BENCH_FAKE_PORT:-18996}
STREAM_S=${BENCH_STREAM_SECONDS:-20}
LOADGEN_NICE=${BENCH_LOADGEN_NICE:-0}
FLOOD_S=${BENCH_FLOOD_SECONDS:-20}
FLOOD_CONNS=${BENCH_FLOOD_CONNS:-300}
PROBE_TIMEOUT=${BENCH_PROBE_TIMEOUT_S:-5}
export STREAM_CLIENT_TIMEOUT_S=${STREAM_CLIENT_TIMEOUT_S:-120}
CTL=$ROOT/tests/integration/stack.sh

# shellcheck source=bench/common.sh
. "$BENCH/common.sh"
for v in STREAM_S FLOOD_S FLOOD_CONNS PROBE_TIMEOUT STREAM_CLIENT_TIMEOUT_S PORT FAKE_PORT; do
    case "${!v}" in '' | *[!0-9]* | 0) die "$v must be a positive integer (got '${!v}')" ;; esac
done
# idle: the load generators and the fake at SCHED_IDLE (any of the host's
# processes preempts them as it wakes), in groups at nice 19. nice 19 alone
# did not keep them out of the host's way: the fake's 4,000 threads took a
# third of both CPUs during a 4,000-stream opening (perf, 2026-12-02).
LOADGEN_SCHED=other
if [ "$LOADGEN_NICE" = idle ]; then LOADGEN_SCHED=idle LOADGEN_NICE=19; fi
case "$LOADGEN_NICE" in '' | *[!0-9]*) die "BENCH_LOADGEN_NICE must be 0..19 or idle (got '$LOADGEN_NICE')" ;; esac
# Ports other stacks on this machine use (the tests, bench/run.sh, scripts/run.sh).
for p in "$PORT" "$FAKE_PORT"; do
    case "$p" in 1 | 8000 | 18000 | 18300 | 18997 | 18998 | 18999) die "port $p belongs to another stack; pick another BENCH_PORT / BENCH_FAKE_PORT" ;; esac
done

for t in wrk curl g++ pgrep pkg-config; do command -v "$t" >/dev/null || die "$t is needed"; done
if [ ! -x "$ROOT/llm-api-fcgi" ] || [ ! -x "$ROOT/tests/fakes/fake-llm" ]; then
    die "build first: llm-api-fcgi and tests/fakes/fake-llm (make && make tests/fakes/fake-llm)"
fi

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
NOFILE=$(ulimit -n)

# ---- the pool's configuration: conf/app.ini's [server], environment included
show=$("$ROOT/llm-api-fcgi" --config "$ROOT/conf/app.ini" --show) || die "llm-api-fcgi --show failed (see above)"
show_value() { sed -n "s/^$1=//p" <<<"$show" | tr -d "'\""; }
declare -A SERVER
for key in workers threads max_streams thread_stack_kb; do
    SERVER[$key]=$(show_value "$key")
    if [ -n "${SERVER[$key]}" ]; then
        export "LLMAPI_SERVER_${key^^}=${SERVER[$key]}"
    fi
done
if [ -z "${SERVER[workers]}" ] || [ -z "${SERVER[threads]}" ]; then die "llm-api-fcgi --show printed no workers/threads"; fi
setting() { if [ -n "${SERVER[$1]}" ]; then echo "${SERVER[$1]}"; else echo "n/a (not in this build)"; fi; }

MAX_LEVEL=0
for n in "${LEVELS[@]}"; do [ "$n" -gt "$MAX_LEVEL" ] && MAX_LEVEL=$n; done
# The fake serves each connection on a thread of its own: room for the
# largest level, never fewer than its default 1100.
FAKE_THREADS=$((MAX_LEVEL + 200)); [ "$FAKE_THREADS" -lt 1100 ] && FAKE_THREADS=1100

export LLMAPI_TEST_VAR=$VAR LLMAPI_TEST_PORT=$PORT LLMAPI_FAKE_PORT=$FAKE_PORT LLMAPI_FAKE_THREADS=$FAKE_THREADS
export LLMAPI_JWT_ACCESS_LIFETIME_S=3600      # one token for the whole run
# The fake (httplib 0.11) polls every idle kept-alive connection every ~10 ms
# for 5 s: thousands of them, left by the pool's libcurl after their streams,
# would take both cores. The pool asks it to close each one after its answer.
# BENCH_UPSTREAM_KEEPALIVE=1 leaves the connections alive.
UPSTREAM_NOTE="the pool → fake connections are closed after each answer (\`Connection: close\`)"
if [ "${BENCH_UPSTREAM_KEEPALIVE:-0}" != 1 ]; then
    export LLMAPI_PROVIDER_OPENAI_HEADERS="Connection: close"
else
    UPSTREAM_NOTE="the pool → fake connections are kept alive (BENCH_UPSTREAM_KEEPALIVE=1)"
fi
# One user opens every stream: no per-user limit here (0 = unlimited).
export LLMAPI_LIMITS_REQUESTS_PER_MINUTE=0 LLMAPI_LIMITS_TOKENS_PER_DAY=0 LLMAPI_LIMITS_MAX_CONCURRENT_REQUESTS=0
# The login limits and the hash gate's wait as conf/app.ini has them (the
# tests' configuration raises them so that the suite can log in often).
export LLMAPI_AUTH_LOGIN_RATE_PER_MINUTE=${LLMAPI_AUTH_LOGIN_RATE_PER_MINUTE:-60}
export LLMAPI_AUTH_LOGIN_BURST=${LLMAPI_AUTH_LOGIN_BURST:-30} LLMAPI_AUTH_HASH_WAIT_MS=${LLMAPI_AUTH_HASH_WAIT_MS:-1000}
# So are the database pool and the user cache (the tests': 4 and 200 ms).
export LLMAPI_DATABASE_POOL_SIZE=${LLMAPI_DATABASE_POOL_SIZE:-8} LLMAPI_AUTH_USER_CACHE_MS=${LLMAPI_AUTH_USER_CACHE_MS:-1000}

# ---- cleanup: everything started here is stopped here ----------------------
# The raw samples (probe lines, the stream client's output) stay here after the run.
TMP=$VAR/last-run
BG_PIDS=()      # samplers, probe loops, the stream client, wrk
STACK_STARTED=0
stop_pid() {  # pid [seconds]: TERM (its children first), wait, KILL
    local p=$1 i
    [ -n "$p" ] && kill -0 "$p" 2>/dev/null || return 0
    pkill -TERM -P "$p" 2>/dev/null || true
    kill -TERM "$p" 2>/dev/null || true
    for i in $(seq 1 $((${2:-5} * 10))); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    pkill -KILL -P "$p" 2>/dev/null || true
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
}
cleanup() {
    set +e
    local p
    for p in "${BG_PIDS[@]}"; do stop_pid "$p" 1; done
    [ "$STACK_STARTED" = 1 ] && "$CTL" stop >/dev/null 2>&1   # nginx, pool, MariaDB, the fake
}
trap cleanup EXIT
trap 'exit 130' INT TERM

BUSY0=$(cpu_busy_pct)

# A previous run killed hard may have left this bench's own daemons behind.
mkdir -p "$VAR/run" "$VAR/log" "$BIN"
for f in fcgi nginx fake-llm; do
    p=$(cat "$VAR/run/$f.pid" 2>/dev/null) || continue
    if { tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null | grep -q -e "$VAR" -e "fake-llm --port $FAKE_PORT"; then
        log "stopping a previous run's stack in $VAR"; "$CTL" stop >/dev/null 2>&1 || true; break
    fi
done
for p in "$PORT" "$FAKE_PORT"; do
    port_busy "$p" && die "127.0.0.1:$p is in use (set BENCH_PORT / BENCH_FAKE_PORT)"
done
rm -rf "$TMP" && mkdir -p "$TMP"

# ---- the stream client -------------------------------------------------------
build_stream_client
build_tool sampler

# ---- start: the fake, MariaDB, the pool, nginx -------------------------------
FAKE=http://127.0.0.1:$FAKE_PORT
GW=http://127.0.0.1:$PORT
log "starting the stack in $VAR (nginx :$PORT, fake :$FAKE_PORT with $FAKE_THREADS threads," \
    "${SERVER[workers]} workers x ${SERVER[threads]} threads, max_streams $(setting max_streams))"
STACK_STARTED=1
"$CTL" start >&2
# The fake stands for the provider, whose CPU is not the host's either.
echo "$LOADGEN_NICE" >"/proc/$(cat "$VAR/run/fake-llm.pid")/autogroup" 2>/dev/null || true
[ "$LOADGEN_SCHED" = other ] || chrt -i -a -p 0 "$(cat "$VAR/run/fake-llm.pid")" >/dev/null || die "chrt failed"

pids_of() {  # fcgi | nginx: the master and its children
    local m
    m=$(cat "$VAR/run/$1.pid" 2>/dev/null) && kill -0 "$m" 2>/dev/null || return 0
    echo "$m" $(pgrep -P "$m")
}
worker_pids() { local m; m=$(cat "$VAR/run/fcgi.pid" 2>/dev/null) && pgrep -P "$m" | sort | tr '\n' ' '; }
# "rss_kib threads fds" summed over the given pids.
proc_figures() {
    local p fds=0 files=()
    [ $# -gt 0 ] || { echo "0 0 0"; return; }
    for p in "$@"; do
        files+=("/proc/$p/status")
        fds=$((fds + $(ls -U "/proc/$p/fd" 2>/dev/null | wc -l)))
    done
    awk -v fds="$fds" '/^VmRSS:/ { r += $2 } /^Threads:/ { t += $2 } END { print r + 0, t + 0, fds }' "${files[@]}" 2>/dev/null \
        || echo "0 0 $fds"
}
machine_ticks() { awk '/^cpu /{ print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat; }
secs() { awk -v t="$1" -v hz="$TICK" 'BEGIN { printf "%.1f", t / hz }'; }
# nginx's error log lines since line $1, grouped by message: "count× message; ...".
nginx_errors_since() {
    tail -n +$(($1 + 1)) "$VAR/log/nginx-error.log" 2>/dev/null |
        sed -e 's/^[0-9/]* [0-9:]* //' -e 's/[0-9]*#[0-9]*: //' -e 's/^\(\[[a-z]*\]\) \*[0-9]* /\1 /' -e 's/, client: .*//' |
        sort | uniq -c | sort -rn | head -n 4 | awk '{ c = $1; $1 = ""; printf "%s%s×%s", (NR > 1 ? "; " : ""), c, $0 }'
}
json_num() { sed -n "s/.*\"$1\":\\([0-9]*\\).*/\\1/p" <<<"$2"; }

# ---- a user and an access token ----------------------------------------------
USER_NAME=bench_capacity
curl -s -o /dev/null -X POST "$GW/api/signup/" -H 'Content-Type: application/json' \
     -d "{\"username\":\"$USER_NAME\",\"password\":\"bench-password\"}" || true
tokens=$(curl -s -X POST "$GW/api/token/" -H 'Content-Type: application/json' \
     -d "{\"username\":\"$USER_NAME\",\"password\":\"bench-password\"}")
access=$(sed -n 's/.*"access":"\([^"]*\)".*/\1/p' <<<"$tokens")
[ -n "$access" ] || die "could not get a token for $USER_NAME: $tokens"
AUTH="Authorization: Bearer $access"
CHAT_URL="$GW/v1/chat/completions?provider=openai"

# ---- the stream: how many events the fake sends, so D = duration / gaps -------
PROMPT="please count to three"
SBODY="{\"model\":\"fake-gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"$PROMPT\"}]}"
fake_reset
EVENTS=$(curl -s -N -m 10 -X POST "$FAKE/v1/chat/completions" -H 'Content-Type: application/json' \
    -H 'Authorization: Bearer sk-fake' -d "$SBODY" | grep -c '^data: ' || true)
[ "${EVENTS:-0}" -ge 2 ] || die "the fake's stream has ${EVENTS:-0} events"
CHUNK_DELAY=$(((STREAM_S * 1000 + (EVENTS - 1) / 2) / (EVENTS - 1)))
probe=$(curl -s -m 10 -X POST "$CHAT_URL" -H 'Content-Type: application/json' -H "$AUTH" -d "$SBODY" || true)
grep -q 'data: \[DONE\]' <<<"$probe" || die "one stream through the gateway did not end with [DONE]: ${probe:0:200}"

# The stream client and the login flooder, in a session (so a scheduling
# autogroup) of their own at LOADGEN_NICE, as the pool, nginx, MariaDB and
# the fake each are (scripts/lib.sh starts them with setsid, as systemd gives
# each service its cgroup): CPU is shared between the groups, not between
# their thousands of threads. BENCH_LOADGEN_NICE=idle: at SCHED_IDLE as well.
loadgen() {
    setsid sh -c 'n=$0 s=$1; shift; echo "$n" >/proc/self/autogroup 2>/dev/null
        if [ "$s" = idle ]; then exec chrt -i 0 nice -n "$n" "$@"; fi; exec nice -n "$n" "$@"' \
        "$LOADGEN_NICE" "$LOADGEN_SCHED" "$@"
}

# ---- samplers ----------------------------------------------------------------
# One request: appends "http_code seconds curl_exit start connect first_byte" to $1 (one write).
probe() {  # out curl-args...   appends: status seconds curl-exit start-µs connect-s first-byte-s request-id
    local out=$1 line rc=0 start=${EPOCHREALTIME/[.,]/} t; shift
    line=$(curl -s -o /dev/null -m "$PROBE_TIMEOUT" \
        -w '%{http_code} %{time_total} %{time_connect} %{time_starttransfer} %header{x-request-id}' "$@") || rc=$?
    read -r -a t <<<"${line:-000 0 0 0}"
    echo "${t[0]} ${t[1]} $rc $start ${t[2]} ${t[3]} ${t[4]:--}" >>"$out"
}
# The gateway's own part of each answered chat probe in FILE: its time less
# the time the pool waited for the provider (the access log's upstream_ms,
# by X-Request-Id). The fake shares this machine's two CPUs; a provider
# does not, so a flood that slows the fake is not a cost of the gateway.
# Prints a probe file (status seconds exit) for http_stats.
own_part() {
    awk 'NR == FNR { if (match($0, /"request_id":"[0-9a-f]+"/)) { id = substr($0, RSTART + 14, RLENGTH - 15)
                         if (match($0, /"upstream_ms":[0-9]+/)) up[id] = substr($0, RSTART + 14, RLENGTH - 14) / 1000 }
                     next }
         $1 == 200 && ($7 in up) { printf "200 %.6f 0\n", $2 - up[$7] }' "$VAR/log/access.log" "$1"
}
# The probes of FILE started at or after µs timestamp T (for http_stats).
probes_after() { awk -v t="$2" '$4 >= t' "$1"; }
# One request after another, 250 ms apart.
http_loop() {  # out stop curl-args...
    local out=$1 stop=$2; shift 2
    while [ ! -e "$stop" ]; do
        probe "$out" "$@"
        sleep 0.25
    done
}
# "samples ok failed timed_out p50_ms p99_ms max_ms" of a probe file: latencies
# of the 200s ("-" when there is none); failed = anything else, timed out = curl's 28.
http_stats() {
    [ -s "$1" ] || { echo "0 0 0 0 - - -"; return; }
    awk '{ n++; if ($1 == 200) v[++ok] = $2 * 1000; else { fail++; if ($3 == 28) to++ } }
        END {
            for (i = 2; i <= ok; i++) { x = v[i]; for (j = i - 1; j >= 1 && v[j] > x; j--) v[j + 1] = v[j]; v[j + 1] = x }
            i99 = int(ok * 0.99 + 0.999); if (i99 < 1) i99 = 1
            if (ok) printf "%d %d %d %d %.0f %.0f %.0f\n", n, ok, fail, to, v[int((ok + 1) / 2)], v[i99], v[ok]
            else printf "%d 0 %d %d - - -\n", n, fail, to }' "$1"
}
PROBE_SCHED=""; chrt -f 10 true 2>/dev/null && PROBE_SCHED="chrt -f 10"   # root only
SAMPLERS=()
start_samplers() {  # tag: proc + healthz samplers into $TMP/<tag>.*
    local tag=$1
    rm -f "$TMP/$tag.stop" "$TMP/$tag.proc" "$TMP/$tag.healthz"
    # bench/sampler.cpp: one small process each, not shell loops (their forks
    # were ~45 % of the CPU during a 4,000-stream opening).
    # At SCHED_IDLE, as the load generators: reading 4,241 threads' /proc
    # files every 500 ms ran in ~60 ms bursts beside nginx and the priority
    # threads (perf sched); a late sample only shifts a peak by a moment.
    chrt -i 0 "$BIN/sampler" proc "$TMP/$tag.proc" "$TMP/$tag.stop" "$VAR/run/fcgi.pid" "$VAR/run/nginx.pid" &
    SAMPLERS+=($!); BG_PIDS+=($!)
    # The health probe stands for a load balancer on another host, which
    # waits for no CPU of ours: SCHED_FIFO (it needs ~1 ms a probe). At nice
    # 0 it waited up to 48 ms for a CPU itself (perf sched) before it could
    # read an answer that had already arrived.
    $PROBE_SCHED "$BIN/sampler" http "$TMP/$tag.healthz" "$TMP/$tag.stop" "$GW/healthz" "$PROBE_TIMEOUT" &
    SAMPLERS+=($!); BG_PIDS+=($!)
}
stop_samplers() {  # tag
    touch "$TMP/$1.stop"
    local p
    for p in "${SAMPLERS[@]}"; do wait "$p" 2>/dev/null || true; done
    SAMPLERS=()
}
# Until the fake has nothing in flight and /healthz answers at once (at most $1 s).
wait_idle() {
    local i s
    for i in $(seq 1 $(($1 * 2))); do
        s=$(curl -s -m 2 "$FAKE/_control/stats" || true)
        [ "$(json_num in_flight "$s")" = 0 ] && curl -s -o /dev/null -f -m 1 "$GW/healthz" && return 0
        sleep 0.5
    done
    return 1
}

# ---- the report ----------------------------------------------------------------
read -r idle_rss idle_threads idle_fds < <(proc_figures $(pids_of fcgi))
read -r idle_ngx _ < <(proc_figures $(pids_of nginx))
echo "## Capacity — bench/capacity.sh"
echo
echo "_$(date -u '+%Y-%m-%d %H:%M UTC'), tree at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) vCPUs, $(uname -r), CPUs ${BUSY0}% busy with other work just before the run._"
echo
echo "Pool (conf/app.ini [server], environment included): workers **${SERVER[workers]}**, threads **${SERVER[threads]}**," \
     "max_streams **$(setting max_streams)**, thread_stack_kb **$(setting thread_stack_kb)**;" \
     "the fake: $FAKE_THREADS threads, $UPSTREAM_NOTE; \`ulimit -n\` $NOFILE; pid_max $(cat /proc/sys/kernel/pid_max);" \
     "the stream client, wrk and the fake: $([ "$LOADGEN_SCHED" = idle ] && echo "SCHED_IDLE, groups at nice 19" || echo "nice $LOADGEN_NICE, in groups at nice $LOADGEN_NICE");" \
     "the /healthz sampler $([ -n "$PROBE_SCHED" ] && echo "at SCHED_FIFO" || echo "at nice 0 (not root)"); nginx's group at nice $(sed -n 's/.*nice \(-*[0-9]*\).*/\1/p' "/proc/$(cat "$VAR/run/nginx.pid")/autogroup" 2>/dev/null || echo '?')."
ngx_workers=$(($(wc -w <<<"$(pids_of nginx)") - 1))
ngx_conns=$(sed -n 's/^ *worker_connections *\([0-9]*\);.*/\1/p' "$VAR/nginx/nginx.conf")
echo "nginx: $ngx_workers workers x ${ngx_conns:-?} worker_connections (each stream holds two: the client's and the pool's)." \
     "Idle: pool $(mb "$idle_rss") MB RSS, $idle_threads threads, $idle_fds fds; nginx $(mb "$idle_ngx") MB."
echo
echo "Each stream: \`POST /v1/chat/completions?provider=openai\`, \`\"stream\":true\`, $EVENTS events" \
     "$CHUNK_DELAY ms apart (fake \`chunk_delay_ms\`, ≈$(awk -v g=$((EVENTS - 1)) -v d="$CHUNK_DELAY" 'BEGIN { printf "%.1f", g * d / 1000 }') s), all N opened at once" \
     "by one libcurl multi; hung = no response in ${STREAM_CLIENT_TIMEOUT_S} s. /healthz every 250 ms (curl, ${PROBE_TIMEOUT} s timeout);" \
     "pool (master + workers) and nginx (master + workers) sampled every 500 ms, peaks."
echo
echo "| N | completed | refused (by status) | refused p50/max (ms) | hung | other failures | first chunk p50/p99 (ms) | healthz p50/max (ms) | healthz max once all had started (ms) | 10 chats sent half-way: status (max ms) | healthz failed / samples (timed out) | pool RSS peak (MB) | pool threads peak | pool fds peak | nginx RSS peak (MB) | fake: requests / max in flight | CPU s: pool / nginx / fake / client (machine busy) | wall (s) |"
echo "|--:|--:|--|--:|--:|--:|--:|--:|--:|--|--:|--:|--:|--:|--:|--:|--:|--:|"

NOTES=""
for n in "${LEVELS[@]}"; do
    log "$n concurrent streams (≈$STREAM_S s each)"
    [ $((n + 64)) -gt "$NOFILE" ] && NOTES+="- $n streams: more than the client's descriptor limit ($NOFILE) allows"$'\n'
    wait_idle 60 || NOTES+="- $n streams: the stack was not idle 60 s after the previous level"$'\n'
    fake_reset
    printf '[' >"$TMP/script.json"
    for ((i = 1; i <= n; i++)); do
        if [ "$i" -lt "$n" ]; then printf '{"chunk_delay_ms":%d},' "$CHUNK_DELAY"; else printf '{"chunk_delay_ms":%d}' "$CHUNK_DELAY"; fi
    done >>"$TMP/script.json"
    printf ']' >>"$TMP/script.json"
    q=$(curl -s -X POST "$FAKE/_control/script" -H 'Content-Type: application/json' --data-binary "@$TMP/script.json")
    [ "$q" = "{\"queued\":$n}" ] || die "could not queue $n behaviours: ${q:0:200}"
    workers_before=$(worker_pids)
    ngx_err0=$(wc -l <"$VAR/log/nginx-error.log" 2>/dev/null || echo 0)
    fake_pid=$(cat "$VAR/run/fake-llm.pid")
    cpu_pool0=$(cpu_ticks $(pids_of fcgi)); cpu_ngx0=$(cpu_ticks $(pids_of nginx)); cpu_fake0=$(cpu_ticks "$fake_pid")
    read -r busy0 all0 < <(machine_ticks)

    start_samplers "s$n"
    client_t0=${EPOCHREALTIME/[.,]/}
    loadgen "$BIN/stream-client" "$CHAT_URL" "$n" "$SBODY" "$AUTH" >"$TMP/s$n.client" 2>"$TMP/s$n.client-err" &
    CLIENT_PID=$!; BG_PIDS+=("$CLIENT_PID")
    # Half-way through the streams (the opening storm is over): 10 more
    # chats, one after another, as a client arriving then would send them;
    # over capacity they are the refusals whose latency counts.
    rm -f "$TMP/s$n.late"
    (sleep "$(awk -v s="$STREAM_S" 'BEGIN { print s / 2 }')"
     for _ in $(seq 1 10); do
         probe "$TMP/s$n.late" -X POST "$CHAT_URL" -H "$AUTH" -H 'Content-Type: application/json' \
             --data-binary '{"model":"fake-gpt-4o-mini","messages":[{"role":"user","content":"late"}]}'
     done) &
    LATE_PID=$!; BG_PIDS+=("$LATE_PID")
    wait "$CLIENT_PID" || true
    wait "$LATE_PID" || true
    sleep 0.5
    cpu_pool=$(($(cpu_ticks $(pids_of fcgi)) - cpu_pool0)); cpu_ngx=$(($(cpu_ticks $(pids_of nginx)) - cpu_ngx0))
    cpu_fake=$(($(cpu_ticks "$fake_pid") - cpu_fake0))
    read -r busy1 all1 < <(machine_ticks)
    stop_samplers "s$n"

    out=$(grep '^STREAMS' "$TMP/s$n.client" || true)
    [ -n "$out" ] || NOTES+="- $n streams: the stream client printed nothing ($(head -c 200 "$TMP/s$n.client-err" | tr '\n' ' '))"$'\n'
    kv() { sed -n "s/.* $1=\\([^ ]*\\).*/\\1/p" <<<" $out"; }
    read -r prss pthr pfds pngx _ <"$TMP/s$n.proc" || { prss=0; pthr=0; pfds=0; pngx=0; }
    read -r hn _ hfail hto hp50 _ hmax < <(http_stats "$TMP/s$n.healthz")
    # Once every stream has its first chunk: the opening storm (N connections
    # in the same instant, on the same two cores) is over.
    opened_us=$(awk -v t="$client_t0" -v ms="$(kv first_byte_max_ms)" 'BEGIN { printf "%.0f", t + (ms + 0) * 1000 }')
    probes_after "$TMP/s$n.healthz" "$opened_us" >"$TMP/s$n.healthz-steady"
    read -r _ _ _ _ _ _ hmax_steady < <(http_stats "$TMP/s$n.healthz-steady")
    late=$(awk '{ n[$1]++; ms = $2 * 1000; if (ms > max) max = ms } END { for (s in n) printf "%s%s x%d", (k++ ? ", " : ""), s, n[s];
        printf " (max %.0f ms)", max }' "$TMP/s$n.late" 2>/dev/null)
    refused_ms="$(kv refused_p50_ms) / $(kv refused_max_ms)"; [ "$(kv refused)" = 0 ] && refused_ms="-"
    stats=$(curl -s "$FAKE/_control/stats"); echo "$stats" >"$TMP/s$n.fake-stats"
    refused_status=$(kv refused_status); [ "$refused_status" = - ] && refused_status=""
    printf '| %s | %s | %s%s | %s | %s | %s | %s / %s | %s / %s | %s | %s | %s / %s (%s) | %s | %s | %s | %s | %s / %s | %s / %s / %s / %s (%s%%) | %s |\n' \
        "$n" "$(kv completed)" "$(kv refused)" "${refused_status:+ ($refused_status)}" "$refused_ms" \
        "$(kv hung)" "$(kv other)" "$(kv first_byte_p50_ms)" "$(kv first_byte_p99_ms)" "$hp50" "$hmax" "$hmax_steady" "${late:--}" \
        "$hfail" "$hn" "$hto" \
        "$(mb "$prss")" "$pthr" "$pfds" "$(mb "$pngx")" "$(json_num recorded "$stats")" "$(json_num max_in_flight "$stats")" \
        "$(secs "$cpu_pool")" "$(secs "$cpu_ngx")" "$(secs "$cpu_fake")" "$(kv client_cpu_s)" \
        "$(awk -v b=$((busy1 - busy0)) -v a=$((all1 - all0)) 'BEGIN { printf "%.0f", (a > 0 ? 100 * b / a : 0) }')" \
        "$(kv wall_s)"
    errs=$(sed -n 's/.*errors="\(.*\)"$/\1/p' <<<"$out")
    [ -n "$errs" ] && NOTES+="- $n streams: $errs"$'\n'
    left=$(json_num script_queued "$stats")
    [ "${left:-0}" != 0 ] && NOTES+="- $n streams: $left behaviours left in the fake's queue (requests that never reached it)"$'\n'
    ngx_errs=$(nginx_errors_since "$ngx_err0")
    [ -n "$ngx_errs" ] && NOTES+="- $n streams: nginx's error log: $ngx_errs"$'\n'
    [ "$(worker_pids)" != "$workers_before" ] && NOTES+="- $n streams: the pool's workers changed (before: $workers_before; after: $(worker_pids)) — a worker died"$'\n'
done
[ -n "$NOTES" ] && printf '\n%s' "$NOTES"

# ---- the login flood ---------------------------------------------------------------
if [ "${BENCH_NO_FLOOD:-0}" != 1 ]; then
    log "login flood: $FLOOD_CONNS connections, $FLOOD_S s (after a 5 s baseline)"
    wait_idle 120 || log "the stack is not idle before the flood"
    fake_reset   # the fake answers the chat at once
    CHAT_BODY='{"model":"fake-gpt-4o-mini","messages":[{"role":"user","content":"hello there"}]}'
    chat_args=(-X POST "$CHAT_URL" -H 'Content-Type: application/json' -H "$AUTH" -d "$CHAT_BODY")
    probe_phase() {  # tag seconds|wrk: chat loop + healthz + proc samplers around a sleep or the flood
        local tag=$1
        rm -f "$TMP/$tag.chat"
        start_samplers "$tag"
        http_loop "$TMP/$tag.chat" "$TMP/$tag.stop" "${chat_args[@]}" & SAMPLERS+=($!); BG_PIDS+=($!)
        if [ "$2" = wrk ]; then
            FLOOD_BODY="{\"username\":\"$USER_NAME\",\"password\":\"wrong-password\"}" \
                loadgen wrk -t1 -c"$FLOOD_CONNS" -d"${FLOOD_S}s" --timeout "$((FLOOD_S + 30))s" -s "$BENCH/login_flood.lua" \
                "$GW/api/token/" >"$TMP/wrk.out" 2>&1 &
            WRK_PID=$!; BG_PIDS+=("$WRK_PID")
            wait "$WRK_PID" || true
        else
            sleep "$2"
        fi
        stop_samplers "$tag"
    }
    probe_phase base 5
    probe_phase flood wrk
    read -r fl_total fl_401 fl_429 fl_503 fl_other e_conn e_read e_write e_to fl_dur fl_p50 fl_p99 < <(grep '^FLOOD' "$TMP/wrk.out" | cut -d' ' -f2-) \
        || die "wrk printed no result: $(head -c 300 "$TMP/wrk.out")"
    echo
    echo "### Login flood"
    echo
    echo "$FLOOD_CONNS connections (\`wrk -t1\`, bench/login_flood.lua) sending \`POST /api/token/\` with a wrong password for" \
         "user $USER_NAME for $FLOOD_S s, while one chat (non-stream, the fake answers at once) runs after another" \
         "(250 ms apart) and /healthz is sampled every 250 ms; both with a ${PROBE_TIMEOUT} s curl timeout. Baseline: the same probes for 5 s before."
    echo
    echo "| phase | chat p50/p99/max (ms) | the gateway's own part of a chat p50/p99/max (ms) | chats ok / failed (timed out) | healthz p50/p99/max (ms) | healthz ok / failed (timed out) | pool RSS peak (MB) | pool threads peak |"
    echo "|--|--:|--:|--:|--:|--:|--:|--:|"
    for tag in base flood; do
        read -r _ cok cfail cto cp50 cp99 cmax < <(http_stats "$TMP/$tag.chat")
        own_part "$TMP/$tag.chat" >"$TMP/$tag.chat-own"
        read -r own_n _ _ _ op50 op99 opmax < <(http_stats "$TMP/$tag.chat-own")
        read -r _ hok hfail hto hp50 hp99 hmax < <(http_stats "$TMP/$tag.healthz")
        read -r prss pthr _ _ _ <"$TMP/$tag.proc" || { prss=0; pthr=0; }
        if [ "$tag" = base ]; then label="baseline (5 s)"; else label="during the flood ($FLOOD_S s)"; fi
        echo "| $label | $cp50 / $cp99 / $cmax | $op50 / $op99 / $opmax ($own_n) | $cok / $cfail ($cto) | $hp50 / $hp99 / $hmax | $hok / $hfail ($hto) | $(mb "$prss") | $pthr |"
    done
    echo
    awk -v t="$fl_total" -v a="$fl_401" -v b="$fl_429" -v c="$fl_503" -v o="$fl_other" -v d="$fl_dur" \
        -v ec="$e_conn" -v er="$e_read" -v ew="$e_write" -v et="$e_to" -v p50="$fl_p50" -v p99="$fl_p99" 'BEGIN {
        printf "Flood responses: %d in %.1f s = **%.1f logins/s**; 401: %d, 429: %d, 503: %d, other: %d;", t, d / 1e6, (d > 0 ? t * 1e6 / d : 0), a, b, c, o
        printf " socket errors connect/read/write/timeout: %d/%d/%d/%d; login latency p50 %.0f ms, p99 %.0f ms", ec, er, ew, et, p50 / 1000, p99 / 1000
        printf " (requests still waiting when wrk stopped are not counted).\n" }'
fi

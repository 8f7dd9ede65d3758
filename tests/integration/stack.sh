#!/usr/bin/env bash
# Controls the integration tests' own stack (data in var/test, nginx on
# 127.0.0.1:${LLMAPI_TEST_PORT:-18000}); the test binary calls it as
# $LLMAPI_TEST_CTL to restart the stack, kill a worker or run SQL.
#   stack.sh start | stop | restart | kill-worker | worker-pids | lane-pid | sql "STATEMENT"
#            reload (SIGHUP) | pool-stop | pool-start | db-stop | db-start | env
#            config-set SECTION KEY VALUE   (edits the stack's copy of its app.ini)
#            second-start [LLMAPI_SERVER_K=V...] | second-stop   (also LLMAPI_DATABASE_POOL_SIZE,
#                                           LLMAPI_DATABASE_BORROW_TIMEOUT_MS)
#                                           (a second gateway, nginx on port+1, same database)
#            admin ARGS...                  (llm-api-admin against this stack's database)
#            second-pool-stop               (the second gateway's pool only: its nginx stays)
#            runtime-env                    (the LLMAPI_* settings the stack's pool runs with)
#            apache-start | apache-stop     (Apache with mod_proxy_fcgi on port+2, the same pool)
set -euo pipefail
VAR=${LLMAPI_TEST_VAR:-$(cd "$(dirname "$0")/../.." && pwd)/var/test}
# The stack runs from its own copy of the configuration, so tests can change
# it and send SIGHUP; `start` makes a fresh copy.
TEMPLATE_CONFIG=${LLMAPI_CONFIG:-$(cd "$(dirname "$0")" && pwd)/app-test.ini}
export LLMAPI_CONFIG=$VAR/app.ini
if [ "${1:-}" = start ] || [ ! -f "$LLMAPI_CONFIG" ]; then mkdir -p "$VAR"; cp "$TEMPLATE_CONFIG" "$LLMAPI_CONFIG"; fi
export LLMAPI_FAKE_PORT=${LLMAPI_FAKE_PORT:-18998}
. "$(dirname "$0")/../../scripts/lib.sh"
export LLMAPI_SERVER_PORT=${LLMAPI_TEST_PORT:-18000}
export LLMAPI_SERVER_WORKERS=${LLMAPI_SERVER_WORKERS:-2}
# 4 + 12 threads a worker: 12 chat seats each (24 on the host), 4 more for the rest.
export LLMAPI_SERVER_THREADS=${LLMAPI_SERVER_THREADS:-4}
export LLMAPI_SERVER_MAX_STREAMS=${LLMAPI_SERVER_MAX_STREAMS:-12}
# HTTPS too, on port + 443, with a private CA's certificate (tls_ensure).
export LLMAPI_SERVER_TLS_PORT=${LLMAPI_TEST_TLS_PORT:-$((LLMAPI_SERVER_PORT + 443))}
export LLMAPI_SERVER_TLS_CERT=$VAR/tls/server.crt LLMAPI_SERVER_TLS_KEY=$VAR/tls/server.key

# app-test.ini points providers at the fake on 18998; another fake port
# (parallel stacks, the benchmarks) moves them along.
if [ "$LLMAPI_FAKE_PORT" != 18998 ] && [ -x "$ROOT/llm-api-fcgi" ]; then
    while read -r name _ _ url; do
        case "$url" in
            *127.0.0.1:18998*)
                export "LLMAPI_PROVIDER_$(echo "$name" | tr 'a-z.-' 'A-Z__')_BASE_URL=${url/127.0.0.1:18998/127.0.0.1:$LLMAPI_FAKE_PORT}" ;;
        esac
    done < <("$ROOT/llm-api-fcgi" --config "$LLMAPI_CONFIG" --providers)
fi

# The pool's workers; the lane (the priority socket's process) apart.
worker_pids() { pgrep -x -P "$(cat "$VAR/run/fcgi.pid")" llm-api-fcgi | sort; }
lane_pid() { pgrep -x -P "$(cat "$VAR/run/fcgi.pid")" llm-api-lane; }

# In [SECTION], sets KEY = VALUE (replacing the line, or adding it).
config_set() {
    awk -v sec="[$1]" -v key="$2" -v val="$3" '
        function flush() { if (insec && !done) { print key " = " val; done = 1 } }
        /^\[/ { flush(); insec = ($0 == sec) }
        insec && $0 ~ "^" key "[ \t]*=" { print key " = " val; done = 1; next }
        { print }
        END { flush() }' "$LLMAPI_CONFIG" > "$LLMAPI_CONFIG.new"
    mv "$LLMAPI_CONFIG.new" "$LLMAPI_CONFIG"
}

# The second gateway: its own worker pool and nginx under $VAR/second, on
# port+1, sharing the first one's database, JWT secret and fake provider.
second_env() {
    export_runtime_env
    VAR=$VAR/second
    mkdir -p "$VAR/run" "$VAR/log"
    export LLMAPI_SERVER_SOCKET=$VAR/run/fcgi.sock LLMAPI_SERVER_PRIORITY_SOCKET=$VAR/run/fcgi-priority.sock
    export LLMAPI_SERVER_SPOOL_DIR=$VAR/spool
    export LLMAPI_SERVER_ACCESS_LOG=$VAR/log/access.log LLMAPI_SERVER_PORT=$((LLMAPI_SERVER_PORT + 1))
    export LLMAPI_SERVER_TLS_PORT=0
}

case "${1:-}" in
    start) mkdir -p "$VAR/run" "$VAR/log"; tls_ensure "$VAR/tls"; fake_start; stack_start ;;
    stop) (second_env; nginx_stop; pool_stop); apache_stop; stack_stop; fake_stop ;;
    second-start)  # [LLMAPI_SERVER_KEY=VALUE...]: settings of the second gateway's own
        second_env
        shift
        for kv in "$@"; do
            case "$kv" in
                LLMAPI_SERVER_*=* | LLMAPI_DATABASE_POOL_SIZE=* | LLMAPI_DATABASE_BORROW_TIMEOUT_MS=*) export "${kv?}" ;;
                *) die "second-start: not LLMAPI_SERVER_KEY=VALUE (or the database pool's size and borrow timeout): $kv" ;;
            esac
        done
        pool_start; nginx_start; echo "http://127.0.0.1:$LLMAPI_SERVER_PORT" ;;
    second-stop) second_env; nginx_stop; pool_stop ;;
    second-pool-stop) second_env; pool_stop ;;
    apache-start) export_runtime_env; apache_start $((LLMAPI_SERVER_PORT + 2)); echo "http://127.0.0.1:$((LLMAPI_SERVER_PORT + 2))" ;;
    apache-stop) apache_stop ;;
    runtime-env) export_runtime_env; env | grep '^LLMAPI_' ;;  # what the stack's pool runs with
    config-set) config_set "$2" "$3" "$4" ;;
    restart) stack_stop; stack_start ;;
    worker-pids) worker_pids ;;
    lane-pid) lane_pid ;;
    kill-worker)
        pid=$(worker_pids | head -n 1)
        kill -KILL "$pid"
        echo "$pid" ;;
    reload) kill -HUP "$(cat "$VAR/run/fcgi.pid")" ;;
    reopen-logs) kill -USR1 "$(cat "$VAR/run/fcgi.pid")" ;;  # as logrotate's postrotate
    pool-stop) pool_stop ;;
    pool-start) export_runtime_env; pool_start ;;
    db-stop) db_stop; while [ -S "$(DB_SOCK)" ]; do sleep 0.1; done ;;
    db-start) db_start ;;
    db-freeze) kill -STOP "$(cat "$VAR/mysql/mysqld.pid")" ;;  # answers nothing, closes nothing
    db-thaw) kill -CONT "$(cat "$VAR/mysql/mysqld.pid")" ;;
    admin) shift; export_runtime_env; "$ROOT/llm-api-admin" --config "$LLMAPI_CONFIG" "$@" ;;
    sql) mysql_root "${LLMAPI_DATABASE_NAME:-llm_api}" -N -B -e "$2" ;;
    env)  # the values the test binary needs
        export_runtime_env
        echo "LLMAPI_TEST_URL=http://127.0.0.1:$LLMAPI_SERVER_PORT"
        echo "LLMAPI_TEST_SECRET=$LLMAPI_JWT_SECRET"
        echo "LLMAPI_TEST_FAKE_URL=http://127.0.0.1:$LLMAPI_FAKE_PORT"
        echo "LLMAPI_TEST_TLS_URL=https://127.0.0.1:$LLMAPI_SERVER_TLS_PORT"
        echo "LLMAPI_TEST_CA=$VAR/tls/ca.crt" ;;
    *) echo "usage: $0 start|stop|restart|kill-worker|worker-pids|lane-pid|sql STATEMENT|reload|pool-stop|pool-start|db-stop|db-start|env" >&2; exit 2 ;;
esac

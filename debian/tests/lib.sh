# shellcheck shell=bash disable=SC2034  # (variables for the tests that source it)
# Shared by the autopkgtests in debian/tests (sourced; not a test itself).
# They test the INSTALLED package: /usr/sbin/llm-api-fcgi behind the system
# nginx, configured in /etc/llm-service-api, run by its systemd unit (or
# /etc/init.d/llm-service-api on a host without systemd), with Debian's
# MariaDB. A chat provider is pointed at debian/tests/fake-openai on
# 127.0.0.1:18980 as an administrator would: [provider.inhouse] base_url in
# app.ini, its key in secrets.env, then a reload. At exit everything is put
# back: app.ini and secrets.env as found (same bytes, owner and mode), a
# reload, the fake stopped, and the services this test started stopped.
#
# Prints "ok - ..." / "FAIL - ..." lines, then "<test>: N passed, M failed";
# exits non-zero on any failure.

# The installed programs (and Debian's python3), whatever the caller's PATH.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
PKG=llm-service-api
CONF=/etc/llm-service-api
APP_INI=$CONF/app.ini
SECRETS=$CONF/secrets.env
FAKE_PORT=18980
FAKE_URL=http://127.0.0.1:$FAKE_PORT/v1
TLS_PORT=8443
SNAKEOIL_CERT=/etc/ssl/certs/ssl-cert-snakeoil.pem
SNAKEOIL_KEY=/etc/ssl/private/ssl-cert-snakeoil.key
TESTS_DIR=$(cd "$(dirname "$0")" && pwd)
TEST_NAME=$(basename "$0")
PASSWORD=autopkgtest-pwd-1

if [ -n "${AUTOPKGTEST_TMP:-}" ]; then T=$AUTOPKGTEST_TMP; OWN_TMP=""
else T=$(mktemp -d); OWN_TMP=1; fi

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
bad() { fail=$((fail + 1)); echo "FAIL - $*"; }
say() { echo "# $*"; }
check() {  # description command...
    local what=$1; shift
    if "$@" >/dev/null 2>&1; then ok "$what"; else bad "$what"; fi
}
# A fault that makes the rest pointless: say it and stop (cleanup still runs).
die() { bad "$*"; exit 1; }
finish() { echo "$TEST_NAME: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; }

# ---- app.ini and secrets.env ------------------------------------------------------
# Files are rewritten in place (cat >), so owner and mode (0640 root:llm-api) stay.
ini_get() {  # file section key: the value, without its comment
    awk -v sec="$2" -v key="$3" '
        function trim(x) { gsub(/^[ \t]+|[ \t]+$/, "", x); return x }
        /^[ \t]*\[/ { in_sec = (trim($0) == "[" sec "]"); next }
        in_sec && $0 ~ "^[ \t]*" key "[ \t]*=" {
            sub(/^[^=]*=[ \t]*/, ""); sub(/(^|[ \t]+)[;#].*$/, ""); print trim($0); exit }' "$1"
}
ini_set() {  # file section key value: replaces the key in its section (added when missing)
    local tmp
    tmp=$(mktemp "$T/ini.XXXXXX") || return 1
    awk -v sec="$2" -v key="$3" -v val="$4" '
        function trim(x) { gsub(/^[ \t]+|[ \t]+$/, "", x); return x }
        function put() { print key " = " val; done = 1 }
        /^[ \t]*\[/ { if (in_sec && !done) put(); in_sec = (trim($0) == "[" sec "]"); if (in_sec) seen = 1; print; next }
        in_sec && !done && $0 ~ "^[ \t]*" key "[ \t]*=" { put(); next }
        { print }
        END { if (!done) { if (!seen) { print ""; print "[" sec "]" } put() } }' "$1" >"$tmp" &&
        cat "$tmp" >"$1"
    local rc=$?
    rm -f "$tmp"
    return $rc
}
secret_set() {  # NAME value: in secrets.env (a line NAME=value, replacing any)
    local tmp
    tmp=$(mktemp "$T/secrets.XXXXXX") || return 1
    { grep -v "^$1=" "$SECRETS"; printf '%s=%s\n' "$1" "$2"; } >"$tmp" && cat "$tmp" >"$SECRETS"
    local rc=$?
    rm -f "$tmp"
    return $rc
}

# ---- services ---------------------------------------------------------------------
have_systemd() { [ -d /run/systemd/system ]; }
svc() {  # start|stop|reload|restart
    if have_systemd; then systemctl "$1" "$PKG"; else "/etc/init.d/$PKG" "$1"; fi
}
svc_running() {
    if have_systemd; then systemctl is-active --quiet "$PKG"; else "/etc/init.d/$PKG" status >/dev/null 2>&1; fi
}
nginx_running() { [ -f /run/nginx.pid ] && kill -0 "$(cat /run/nginx.pid)" 2>/dev/null; }
db_up() { mariadb --no-defaults -uroot -e 'SELECT 1' >/dev/null 2>&1; }
db_has_ours() {
    [ "$(mariadb --no-defaults -uroot -N -e "SELECT COUNT(*) FROM information_schema.TABLES
        WHERE TABLE_SCHEMA = 'llm_api' AND TABLE_NAME = 'schema_migrations'" 2>/dev/null)" = 1 ]
}
# The master's error log, where a reload says it is done ("SIGHUP: configuration
# reloaded"); empty when it goes to the journal or standard error.
error_log() {
    local f
    f=$(ini_get "$APP_INI" server error_log)
    if [ -n "$f" ] && [ "$f" != - ]; then echo "$f"
    elif ! have_systemd; then echo /var/log/llm-service-api/llm-api-fcgi.log; fi
}
reloads_logged() {
    local f; f=$(error_log)
    if [ -n "$f" ] && [ -r "$f" ]; then grep -c "SIGHUP: configuration reloaded" "$f"; else echo 0; fi
}
# A reload as an administrator does it (nginx's site made again from app.ini,
# nginx reloaded, SIGHUP), waiting until the master says it took the file.
reload_service() {  # description
    local before f
    before=$(reloads_logged); f=$(error_log)
    if ! svc reload >"$T/reload.log" 2>&1; then
        sed 's/^/  | /' "$T/reload.log"; bad "$1: the reload fails"; return 1
    fi
    if [ -z "$f" ] || [ ! -r "$f" ]; then sleep 1; ok "$1 (reloaded; no error log file to confirm it)"; return 0; fi
    for _ in $(seq 1 100); do
        [ "$(reloads_logged)" -gt "$before" ] && { ok "$1 (reloaded: \"configuration reloaded\")"; return 0; }
        sleep 0.1
    done
    tail -n 5 "$f" | sed 's/^/  | /'
    bad "$1: the service did not take the new configuration within 10 s"
    return 1
}

STARTED_DB="" STARTED_SVC="" STARTED_NGINX="" FAKE_PID="" BACKED_UP="" MADE_SNAKEOIL=""
cleanup() {
    set +e
    trap - EXIT INT TERM
    if [ -n "$BACKED_UP" ]; then
        cat "$T/app.ini.orig" >"$APP_INI" && cat "$T/secrets.env.orig" >"$SECRETS"
        if cmp -s "$T/app.ini.orig" "$APP_INI" && cmp -s "$T/secrets.env.orig" "$SECRETS"; then
            ok "app.ini and secrets.env restored as they were"
        else
            bad "app.ini and secrets.env restored as they were"
        fi
        svc_running && reload_service "the service reloaded with the original configuration"
    fi
    if [ -n "$FAKE_PID" ]; then
        kill "$FAKE_PID" 2>/dev/null; wait "$FAKE_PID" 2>/dev/null
        say "fake-openai stopped"
    fi
    [ -n "$MADE_SNAKEOIL" ] && rm -f "$SNAKEOIL_CERT" "$SNAKEOIL_KEY" && say "removed the snakeoil pair this test made"
    if [ -n "$STARTED_SVC" ]; then svc stop >/dev/null 2>&1; say "stopped $PKG (this test started it)"; fi
    if [ -n "$STARTED_NGINX" ]; then
        if have_systemd; then systemctl stop nginx; else nginx -s quit; fi >/dev/null 2>&1
        say "stopped nginx (this test started it)"
    fi
    if [ -n "$STARTED_DB" ]; then
        if have_systemd; then systemctl stop mariadb; else /etc/init.d/mariadb stop; fi >/dev/null 2>&1
        say "stopped MariaDB (this test started it)"
    fi
    [ -n "$OWN_TMP" ] && rm -rf "$T"
    finish
    exit $?
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# ---- the installed stack ----------------------------------------------------------
# MariaDB (started when it is not running), the package's database (made by
# dpkg-reconfigure, as the README says, when the package was configured
# before MariaDB ran), the service, and nginx.
stack_up() {
    [ "$(id -u)" -eq 0 ] || die "needs root (Restrictions: needs-root)"
    for f in /usr/sbin/llm-api-fcgi /usr/sbin/llm-api-admin "$APP_INI" "$SECRETS"; do
        [ -e "$f" ] || die "the installed package has $f"
    done
    ok "the installed package: /usr/sbin/llm-api-fcgi ($(/usr/sbin/llm-api-fcgi --version)), $APP_INI, $SECRETS"
    if ! db_up; then
        if have_systemd; then systemctl start mariadb; else /etc/init.d/mariadb start; fi >"$T/mariadb-start.log" 2>&1
        for _ in $(seq 1 100); do db_up && break; sleep 0.1; done
        db_up || { cat "$T/mariadb-start.log"; die "MariaDB starts"; }
        STARTED_DB=1
    fi
    ok "Debian's MariaDB answers as root by its socket${STARTED_DB:+ (started by this test)}"
    if ! db_has_ours; then
        say "no llm_api database yet (the package was configured before MariaDB ran): dpkg-reconfigure $PKG"
        DEBIAN_FRONTEND=noninteractive dpkg-reconfigure "$PKG" >"$T/reconfigure.log" 2>&1 || cat "$T/reconfigure.log"
        svc_running && svc restart >/dev/null 2>&1
    fi
    check "the llm_api database is migrated" db_has_ours
    if ! svc_running; then
        svc start >"$T/service-start.log" 2>&1 || { cat "$T/service-start.log"; die "$PKG starts"; }
        STARTED_SVC=1
    fi
    check "$PKG is running ($(have_systemd && echo systemd || echo /etc/init.d/$PKG))${STARTED_SVC:+, started by this test}" svc_running
    if ! nginx_running; then
        if have_systemd; then systemctl start nginx; else nginx; fi >"$T/nginx-start.log" 2>&1 ||
            { cat "$T/nginx-start.log"; die "nginx starts"; }
        STARTED_NGINX=1
    fi
    check "nginx is running${STARTED_NGINX:+ (started by this test)}, the package's site enabled" \
        eval 'nginx_running && [ -e /etc/nginx/sites-enabled/$PKG ]'
    local bind port
    bind=$(ini_get "$APP_INI" server bind) port=$(ini_get "$APP_INI" server port)
    case "$bind" in
        "" | 0.0.0.0 | 127.0.0.1) HOST=127.0.0.1 ;;
        :: | ::1) HOST="[::1]" ;;
        *:*) HOST="[$bind]" ;;
        *) HOST=$bind ;;
    esac
    HTTP=http://$HOST:${port:-8000}
    for _ in $(seq 1 100); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$HTTP/healthz")" = 200 ] && break; sleep 0.1
    done
    expect "GET $HTTP/healthz: the service and its database answer" '{"status":"ok"}' 200 "$HTTP/healthz"
}

# ---- the fake upstream, and the provider pointed at it -------------------------------
FAKE_KEY=sk-fake-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
FAKE_LOG=$T/fake-requests.jsonl
start_fake() {
    if (exec 3<>"/dev/tcp/127.0.0.1/$FAKE_PORT") 2>/dev/null; then die "127.0.0.1:$FAKE_PORT is free for the fake"; fi
    : >"$FAKE_LOG"
    "$TESTS_DIR/fake-openai" --port "$FAKE_PORT" --key "$FAKE_KEY" --log "$FAKE_LOG" >"$T/fake.out" 2>&1 &
    FAKE_PID=$!
    for _ in $(seq 1 100); do grep -q "listening" "$T/fake.out" 2>/dev/null && break; sleep 0.1; done
    grep -q "fake-openai listening on 127.0.0.1:$FAKE_PORT" "$T/fake.out" || { cat "$T/fake.out"; die "fake-openai starts"; }
    ok "fake-openai (OpenAI's wire format) listens on 127.0.0.1:$FAKE_PORT, wanting key ${FAKE_KEY:0:12}..."
}
backup_config() {
    cp -p "$APP_INI" "$T/app.ini.orig" && cp -p "$SECRETS" "$T/secrets.env.orig" && BACKED_UP=1 ||
        die "back up app.ini and secrets.env"
}
point_provider_at_fake() {
    ini_set "$APP_INI" provider.inhouse kind openai &&
        ini_set "$APP_INI" provider.inhouse base_url "$FAKE_URL" &&
        secret_set LLMAPI_PROVIDER_INHOUSE_API_KEY "$FAKE_KEY" ||
        die "set [provider.inhouse] base_url in app.ini and its key in secrets.env"
    check "app.ini: [provider.inhouse] base_url = $FAKE_URL" \
        test "$(ini_get "$APP_INI" provider.inhouse base_url)" = "$FAKE_URL"
    check "secrets.env: LLMAPI_PROVIDER_INHOUSE_API_KEY, still 0640 root:llm-api" bash -c \
        'grep -qx "LLMAPI_PROVIDER_INHOUSE_API_KEY=$1" "$2" && [ "$(stat -c "%a %U %G" "$2")" = "640 root llm-api" ]' \
        _ "$FAKE_KEY" "$SECRETS"
}

# ---- HTTP -----------------------------------------------------------------------
CURL_EXTRA=()  # -k --http2 for the TLS test
# Response body in $T/body, status etc. in $STATUS $CTYPE $HTTPV.
req() {  # curl-args...
    local out
    out=$(curl -s --max-time 20 "${CURL_EXTRA[@]}" -o "$T/body" -w '%{http_code} %{http_version} %{content_type}' "$@")
    STATUS=${out%% *}; out=${out#* }; HTTPV=${out%% *}; CTYPE=${out#* }
    BODY=$(cat "$T/body" 2>/dev/null)
}
expect() {  # description expected-substring expected-status curl-args...
    local what=$1 want=$2 code=$3; shift 3
    req "$@"
    if [ "$STATUS" = "$code" ] && [[ "$BODY" == *"$want"* ]]; then ok "$what ($STATUS)"
    else bad "$what: want $code and ${want:0:60}, got $STATUS ${BODY:0:300}"; fi
}
# Python expressions on d, one line each (a string as it is, anything else as
# JSON; an empty line when it fails): few interpreters started, as each costs.
PY_EVAL='
def show(exprs, d):
    for e in exprs:
        try:
            v = eval(e)
            print(v if isinstance(v, str) else json.dumps(v))
        except Exception:
            print()
'
jvals() {  # json expression...
    python3 -c 'import json, sys'"$PY_EVAL"'
try:
    d = json.loads(sys.argv[1])
except ValueError:
    d = None
show(sys.argv[2:], d)' "$@"
}
# The same on the last request the fake logged whose path is MATCH (when it
# starts with /) or whose body holds MATCH (a nonce): d = {"method", "path",
# "authorization", "body"}, or None when there is none.
fake_vals() {  # match expression...
    python3 -c 'import json, sys'"$PY_EVAL"'
d, match = None, sys.argv[2]
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if (r["path"] == match) if match.startswith("/") else (match in json.dumps(r["body"])):
        d = r
show(sys.argv[3:], d)' "$FAKE_LOG" "$@"
}
# The same on an SSE body: d = {"chunks": the chat.completion.chunk events
# (parsed), "done": whether the last event is [DONE], "other": lines that are
# neither, "content": the deltas' content concatenated, "finish": the
# finish_reasons, "usage": the usage of the last chunk carrying one,
# "usage_last": whether that is the last chunk}.
sse_vals() {  # file expression...
    python3 -c 'import json, sys'"$PY_EVAL"'
data, other = [], []
for line in open(sys.argv[1], encoding="utf-8").read().splitlines():
    if not line or line.startswith(":"):
        continue
    if line.startswith("data: "):
        data.append(line[6:])
    else:
        other.append(line)
done = bool(data) and data[-1] == "[DONE]"
chunks = []
for e in (data[:-1] if done else data):
    try:
        chunks.append(json.loads(e))
    except ValueError:
        other.append(e)
choices = [c for ch in chunks for c in (ch.get("choices") or [])]
usage = [ch["usage"] for ch in chunks if ch.get("usage")]
d = {"chunks": chunks, "done": done, "other": other,
     "content": "".join((c.get("delta") or {}).get("content") or "" for c in choices),
     "finish": [c["finish_reason"] for c in choices if c.get("finish_reason")],
     "usage": usage[-1] if usage else None, "usage_last": bool(chunks) and bool(chunks[-1].get("usage"))}
show(sys.argv[2:], d)' "$@"
}

# ---- what a user does -------------------------------------------------------------
# signup, token (access + refresh), refresh, me, the provider's models, a
# chat and a streamed chat answered by the fake (which must have had the
# configured key), and the usage they were counted in. $1 = base URL.
user_flow() {
    local B=$1 user access refresh nonce v tokens1 tokens2
    user=apt_${TEST_NAME}_$(date +%s)_$$_${RANDOM}
    expect "signup $user" '{"message":"User created successfully"}' 201 -X POST "$B/api/signup/" \
        -H 'Content-Type: application/json' -d "{\"username\":\"$user\",\"password\":\"$PASSWORD\"}"
    req -X POST "$B/api/token/" -H 'Content-Type: application/json' -d "{\"username\":\"$user\",\"password\":\"$PASSWORD\"}"
    mapfile -t v < <(jvals "$BODY" 'd["access"]' 'd["refresh"]')
    access=${v[0]:-} refresh=${v[1]:-}
    if [ "$STATUS" = 200 ] && [ -n "$access" ] && [ -n "$refresh" ]; then ok "token: 200 with access and refresh"
    else bad "token: got $STATUS ${BODY:0:200}"; fi
    expect "refresh: a new access token" '"access":"' 200 -X POST "$B/api/token/refresh/" \
        -H 'Content-Type: application/json' -d "{\"refresh\":\"$refresh\"}"
    expect "/api/me/ with the access token" "\"username\":\"$user\"" 200 "$B/api/me/" -H "Authorization: Bearer $access"
    expect "/api/me/ without a token is refused" '' 401 "$B/api/me/"

    # The new workers answer with the fake's model list (GET /v1/models upstream).
    for _ in $(seq 1 50); do
        req "$B/api/supported-models/?provider=inhouse" -H "Authorization: Bearer $access"
        [[ "$BODY" == *fake-echo-1* ]] && break; sleep 0.2
    done
    if [ "$STATUS" = 200 ] && [ "$(jvals "$BODY" 'sorted(d["models"]) == ["fake-echo-1", "fake-echo-2"]')" = true ]; then
        ok "supported-models?provider=inhouse: the fake's list"
    else bad "supported-models?provider=inhouse: got $STATUS ${BODY:0:200}"; fi
    check "the fake had GET /v1/models with the configured key" \
        test "$(fake_vals /v1/models 'd["path"] == "/v1/models" and d["authorization"] == "Bearer '"$FAKE_KEY"'"')" = true

    # A chat, not streamed: /api/chat/completions/?provider=inhouse.
    nonce=n$(date +%s%N)
    req -X POST "$B/api/chat/completions/?provider=inhouse" -H "Authorization: Bearer $access" \
        -H 'Content-Type: application/json' \
        -d "{\"model\":\"fake-echo-1\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"autopkgtest says $nonce\"}]}"
    mapfile -t v < <(jvals "$BODY" 'd["object"]' 'd["choices"][0]["finish_reason"]' 'd["usage"]["total_tokens"]' \
        'd["choices"][0]["message"]["content"]')
    tokens1=${v[2]:-0}
    if [ "$STATUS" = 200 ] && [ "${v[0]:-}" = chat.completion ] && [ "${v[1]:-}" = stop ] &&
        [ "${v[3]:-}" = "fake-openai echo: autopkgtest says $nonce" ]; then
        ok "chat (not streamed, HTTP/$HTTPV): 200, the fake's echo of the prompt: \"${v[3]}\""
    else bad "chat (not streamed): got $STATUS ${BODY:0:300}"; fi
    mapfile -t v < <(fake_vals "$nonce" 'd["authorization"]' 'd["path"]' 'd["body"]["model"]' 'd["body"].get("stream", False)')
    if [ "${v[0]:-}" = "Bearer $FAKE_KEY" ] && [ "${v[1]:-}" = /v1/chat/completions ] && [ "${v[2]:-}" = fake-echo-1 ] &&
        [ "${v[3]:-}" = false ]; then
        ok "the fake had POST /v1/chat/completions (model fake-echo-1, not streamed) with Authorization: Bearer <the key in secrets.env>"
    else bad "the fake had the chat with the configured key: got ${v[*]:-nothing}"; fi

    # Streamed, with usage asked for: /v1/chat/completions, the provider as the model's prefix.
    nonce=s$(date +%s%N)
    req -N -X POST "$B/v1/chat/completions" -H "Authorization: Bearer $access" -H 'Content-Type: application/json' \
        -d "{\"model\":\"inhouse/fake-echo-1\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"stream for $nonce please\"}]}"
    mapfile -t v < <(sse_vals "$T/body" 'len(d["chunks"])' \
        'all(c.get("object") == "chat.completion.chunk" for c in d["chunks"]) and d["other"] == []' \
        'd["finish"] == ["stop"]' 'd["done"]' 'd["usage_last"] and d["usage"]["total_tokens"] > 0' \
        'd["usage"]["total_tokens"]' 'd["content"]')
    tokens2=${v[5]:-0}
    if [ "$STATUS" = 200 ] && [[ "$CTYPE" == text/event-stream* ]] && [ "${v[0]:-0}" -ge 4 ] && [ "${v[1]:-}" = true ] &&
        [ "${v[2]:-}" = true ] && [ "${v[6]:-}" = "fake-openai echo: stream for $nonce please" ]; then
        ok "stream (HTTP/$HTTPV): 200 text/event-stream, ${v[0]} chat.completion.chunk events whose deltas make the fake's echo"
    else bad "stream: got $STATUS $CTYPE ${v[*]:-} body ${BODY:0:300}"; fi
    check "stream: ends with data: [DONE]" test "${v[3]:-}" = true
    check "stream: include_usage honoured, the usage chunk last before [DONE]" test "${v[4]:-}" = true
    mapfile -t v < <(fake_vals "$nonce" 'd["authorization"]' 'd["body"]["model"]' \
        'd["body"]["stream"] and d["body"]["stream_options"]["include_usage"]')
    if [ "${v[0]:-}" = "Bearer $FAKE_KEY" ] && [ "${v[1]:-}" = fake-echo-1 ] && [ "${v[2]:-}" = true ]; then
        ok "the fake had the stream (model prefix removed, stream_options.include_usage) with the configured key"
    else bad "the fake had the stream with the configured key: got ${v[*]:-nothing}"; fi

    # Both counted in MariaDB, with the fake's token counts (rows land ~0.1 s after).
    local want=$((tokens1 + tokens2))
    for _ in $(seq 1 30); do
        req "$B/api/usage/" -H "Authorization: Bearer $access"
        mapfile -t v < <(jvals "$BODY" 'd["totals"]["requests"]' 'd["totals"]["total_tokens"]')
        [ "${v[0]:-}" = 2 ] && break; sleep 0.1
    done
    if [ "${v[0]:-}" = 2 ] && [ "${v[1]:-}" = "$want" ]; then
        ok "/api/usage/: 2 requests, $want tokens (the fake's counts, stored in MariaDB)"
    else bad "/api/usage/: want 2 requests and $want tokens, got $STATUS ${BODY:0:300}"; fi
}

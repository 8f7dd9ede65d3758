# Shared by scripts/run.sh, scripts/test.sh and tests/integration/stack.sh:
# install, build, and start/stop one local stack (MariaDB, worker pool,
# nginx) whose state lives under $VAR. Source it; set VAR first.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CONFIG=${LLMAPI_CONFIG:-$ROOT/conf/app.ini}

PACKAGES="build-essential autoconf autoconf-archive automake libtool pkg-config
  libfcgi-dev libcgicc-dev libjansson-dev libjwt-dev libmysqlcppconn-dev
  libcurl4-openssl-dev libcppunit-dev libargon2-dev libssl-dev libcpp-httplib-dev libyaml-dev
  nginx mariadb-server mariadb-client curl openssl"

say() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# apt-get only when something is missing, so a second run is quick and offline.
install_deps() {
    local missing=() p
    for p in $PACKAGES ${EXTRA_PACKAGES:-}; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" -eq 0 ] || die "missing packages (${missing[*]}); run as root or install them"
    say "installing ${missing[*]}"
    apt-get update -q
    # Debian's maintainer scripts would try to start nginx/MariaDB; we start our own.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

build() {  # [TARGETS...]: make's default (everything) unless named
    cd "$ROOT" || exit 1
    [ -x configure ] || { say "autoreconf"; autoreconf -fi >/dev/null; }
    [ -f Makefile ] || { say "configure ${CONFIGURE_FLAGS:-}"; ./configure ${CONFIGURE_FLAGS:-} >/dev/null; }
    say "make${*:+ $*}"
    make -j"$(nproc)" "$@" >/dev/null || { make "$@"; die "build failed"; }
}

# A random secret kept under $VAR/secrets/NAME, made on first use; prints
# its value. Returns 1 when it was just made (call it outside $(...) for that).
ensure_secret() {
    local f=$VAR/secrets/$1
    [ -s "$f" ] && return 0
    mkdir -p "$VAR/secrets" && chmod 700 "$VAR/secrets"
    (umask 077; head -c 48 /dev/urandom | base64 | tr -d '\n/+=' > "$f")
    return 1
}
secret() { ensure_secret "$1" || true; cat "$VAR/secrets/$1"; }

# ---- MariaDB: a private server on a unix socket under $VAR/mysql ----------
DB_SOCK() { echo "$VAR/mysql/mysqld.sock"; }
# Each daemon below starts in a session of its own (setsid; in a script
# without job control it execs in place, so $! stays the daemon's pid). The
# kernel shares the CPU between sessions (autogroups) before it shares it
# between their threads, as systemd does between services' cgroups: without
# it the pool's thousands of threads outweighed nginx and MariaDB during a
# burst of streams, and a health check waited seconds (bench/README.md).
mysql_root() { mariadb --no-defaults -S "$(DB_SOCK)" -uroot "$@"; }

db_start() {
    local d=$VAR/mysql
    if [ ! -d "$d/mysql" ]; then
        say "initializing MariaDB data directory in $d"
        mkdir -p "$d"
        mariadb-install-db --no-defaults --datadir="$d" --user=root --skip-test-db \
            --auth-root-authentication-method=socket >"$VAR/log/mariadb-install.log" 2>&1 \
            || die "mariadb-install-db failed, see $VAR/log/mariadb-install.log"
    fi
    if mysql_root -e 'SELECT 1' >/dev/null 2>&1; then return 0; fi
    setsid mariadbd --no-defaults --datadir="$d" --user=root --socket="$(DB_SOCK)" --pid-file="$d/mysqld.pid" \
        --skip-networking --skip-name-resolve --log-error="$VAR/log/mariadb.log" \
        --innodb-buffer-pool-size=64M --max-connections=500 </dev/null >/dev/null 2>&1 &
    local i
    for i in $(seq 1 100); do
        mysql_root -e 'SELECT 1' >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    die "MariaDB did not start, see $VAR/log/mariadb.log"
}

db_stop() {
    [ -S "$(DB_SOCK)" ] || return 0
    mariadb-admin --no-defaults -S "$(DB_SOCK)" -uroot shutdown >/dev/null 2>&1 || true
}

# Database, application user (password from $VAR/secrets), migrations.
db_setup() {
    local name=${LLMAPI_DATABASE_NAME:-llm_api} user=${LLMAPI_DATABASE_USER:-llm_api}
    mysql_root <<SQL
CREATE DATABASE IF NOT EXISTS \`$name\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$user'@'localhost' IDENTIFIED BY '$LLMAPI_DATABASE_PASSWORD';
ALTER USER '$user'@'localhost' IDENTIFIED BY '$LLMAPI_DATABASE_PASSWORD';
GRANT SELECT, INSERT, UPDATE, DELETE ON \`$name\`.* TO '$user'@'localhost';
SQL
    migrate "$name"
}

# Migrations have one runner, `llm-api-admin migrate` (numeric order, once
# each, recorded in schema_migrations); here it connects as MariaDB's root
# over the socket, since the application user may not change the schema.
migrate() {
    LLMAPI_DATABASE_USER=root LLMAPI_DATABASE_PASSWORD= LLMAPI_DATABASE_NAME=$1 \
        "$ROOT/llm-api-admin" --config "$CONFIG" migrate --sql-dir "$ROOT/sql" || die "migrations failed"
}

# ---- the worker pool and nginx --------------------------------------------
# The environment the daemon runs with: the local database and secrets.
export_runtime_env() {
    mkdir -p "$VAR/run" "$VAR/log"
    export LLMAPI_DATABASE_SOCKET=$(DB_SOCK)
    export LLMAPI_DATABASE_PASSWORD=${LLMAPI_DATABASE_PASSWORD:-$(secret db_password)}
    export LLMAPI_SERVER_SOCKET=${LLMAPI_SERVER_SOCKET:-$VAR/run/fcgi.sock}
    export LLMAPI_SERVER_PRIORITY_SOCKET=${LLMAPI_SERVER_PRIORITY_SOCKET:-$VAR/run/fcgi-priority.sock}
    export LLMAPI_SERVER_SPOOL_DIR=${LLMAPI_SERVER_SPOOL_DIR:-$VAR/spool}
    export LLMAPI_SERVER_ACCESS_LOG=${LLMAPI_SERVER_ACCESS_LOG:-$VAR/log/access.log}
    if [ -z "${LLMAPI_JWT_SECRET:-}" ]; then
        ensure_secret jwt_secret || say "generated a JWT secret in $VAR/secrets/jwt_secret (set LLMAPI_JWT_SECRET to use your own)"
        LLMAPI_JWT_SECRET=$(cat "$VAR/secrets/jwt_secret")
        export LLMAPI_JWT_SECRET
    fi
}

# [server] socket is a unix socket path or IPv4:port.
fcgi_listening() {
    case "$1" in
        /*) [ -S "$1" ] ;;
        *) (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null ;;
    esac
}

pool_start() {
    "$ROOT/llm-api-fcgi" --config "$CONFIG" --check >/dev/null || exit 1
    setsid "$ROOT/llm-api-fcgi" --config "$CONFIG" --pid-file "$VAR/run/fcgi.pid" </dev/null >>"$VAR/log/fcgi.log" 2>&1 &
    local i
    for i in $(seq 1 50); do fcgi_listening "$LLMAPI_SERVER_SOCKET" && return 0; sleep 0.1; done
    die "worker pool did not start, see $VAR/log/fcgi.log"
}

# Signals the daemon of a pid file, waits up to $3 tenths of a second for
# it to exit, then kills it.
stop_daemon() {  # pidfile signal tenths
    local pid i
    pid=$(cat "$1" 2>/dev/null) || return 0
    kill "-$2" "$pid" 2>/dev/null || return 0
    for i in $(seq 1 "$3"); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
}

pool_stop() { stop_daemon "$VAR/run/fcgi.pid" TERM 100; }

# A private CA and a certificate for 127.0.0.1, ::1 and localhost signed by
# it, made once in $1 (ca.crt, server.crt, server.key): for run.sh --tls and
# the tests. ECDSA P-256, so the ECDHE-ECDSA suites are the ones negotiated.
tls_ensure() {
    local d=$1
    [ -s "$d/server.crt" ] && [ -s "$d/server.key" ] && [ -s "$d/ca.crt" ] && return 0
    mkdir -p "$d"
    (
        set -e
        cd "$d"
        umask 077
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
            -subj "/CN=LLM Service API local CA" -keyout ca.key -out ca.crt \
            -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
            -keyout server.key -out server.csr
        printf '%s\n' 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1' 'basicConstraints=CA:FALSE' \
            'keyUsage=critical,digitalSignature' 'extendedKeyUsage=serverAuth' >server.ext
        openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 825 \
            -extfile server.ext -out server.crt
        rm -f server.csr server.ext ca.srl
        chmod 0644 ca.crt server.crt
    ) >"$d/openssl.log" 2>&1 || die "could not make a TLS certificate in $d (see $d/openssl.log)"
}

render_nginx() {
    local port workers threads max_streams max_body_bytes socket priority_socket priority_threads thread_stack_kb
    local login_rate_per_minute login_burst
    eval "$("$ROOT/llm-api-fcgi" --config "$CONFIG" --show)"
    local threads_total=$((workers * (threads + max_streams + priority_threads))) user_directive=""
    local ncpu; ncpu=$(nproc)
    # Idle kept-alive connections each pin a worker thread: keep them to a
    # quarter of the threads that are not for chats, over nginx's workers.
    local keepalive=$((workers * threads / (4 * ncpu))); [ "$keepalive" -lt 1 ] && keepalive=1
    [ "$keepalive" -gt 64 ] && keepalive=64
    # Each stream is two connections (client, worker); any nginx worker may get them all.
    local wc=$((2 * threads_total + 1024))
    [ "$(id -u)" -eq 0 ] && user_directive="user www-data;"
    mkdir -p "$VAR/nginx"/{client_body,fastcgi,proxy,uwsgi,scgi}
    [ "$(id -u)" -eq 0 ] && chown -R www-data "$VAR/nginx"
    NGINX_PORT=$port
    sed -e "s|@VAR@|$VAR|g" -e "s|@WORKER_CONNECTIONS@|$wc|g" -e "s|@NOFILE@|$((wc * 2))|g" \
        -e "s|@USER_DIRECTIVE@|$user_directive|g" \
        "$ROOT/conf/nginx/nginx.conf.in" > "$VAR/nginx/nginx.conf"
    # The service's own directives: the same file the Debian package installs as a site.
    "$ROOT/conf/nginx/render-site.sh" "$ROOT/llm-api-fcgi" "$CONFIG" "$ROOT/static" "$keepalive" \
        > "$VAR/nginx/site.conf" || die "could not render conf/nginx/site.conf.in"
}

nginx_start() {
    render_nginx
    # Another stack (or anything) on our port would answer the health check
    # below in our nginx's place: refuse to start instead.
    if (exec 3<>"/dev/tcp/127.0.0.1/$NGINX_PORT") 2>/dev/null; then
        die "127.0.0.1:$NGINX_PORT is already in use (another stack still running? tests/integration/stack.sh stop)"
    fi
    nginx -t -q -c "$VAR/nginx/nginx.conf" -p "$VAR/nginx" -e "$VAR/log/nginx-error.log" \
        || die "nginx configuration test failed"
    # Daemons never hold our stdout: a caller reading it (popen) would wait forever.
    setsid nginx -c "$VAR/nginx/nginx.conf" -p "$VAR/nginx" -e "$VAR/log/nginx-error.log" </dev/null >>"$VAR/log/nginx.out" 2>&1 &
    local i
    for i in $(seq 1 50); do
        curl -s -o /dev/null "http://127.0.0.1:$NGINX_PORT/healthz" && { nginx_cpu_share; return 0; }
        sleep 0.1
    done
    die "nginx did not answer on 127.0.0.1:$NGINX_PORT, see $VAR/log/nginx-error.log"
}

# nginx's group weighs as much as ~9 default ones (autogroup nice -10, as the
# package's CPUWeight=1000 drop-in for nginx.service): the kernel gives a
# group's weight to each CPU in proportion to the group's load there, so the
# nginx worker that had been idle woke with a sliver of its CPU and waited up
# to 122 ms behind the pool's chat threads (perf sched) while a storm of
# streams opened; with the weight, /healthz stayed under 100 ms in 10 runs of
# 10 (bench/README.md). nginx takes only what it needs. A negative nice needs
# root (CAP_SYS_NICE): elsewhere the kernel refuses the write and nginx keeps
# an ordinary group.
NGINX_GROUP_NICE=-10
nginx_cpu_share() {
    local pid
    pid=$(cat "$VAR/run/nginx.pid" 2>/dev/null) || return 0
    echo "$NGINX_GROUP_NICE" >"/proc/$pid/autogroup" 2>/dev/null || true
}

nginx_stop() { stop_daemon "$VAR/run/nginx.pid" QUIT 50; }

# Apache (mod_proxy_fcgi) in front of the same pool, on $1 (the tests run it
# beside nginx): conf/apache/site.conf.in rendered like nginx's site.
apache_start() {
    local port=$1 user="" group=""
    mkdir -p "$VAR/apache/run" "$VAR/run" "$VAR/log"
    [ "$(id -u)" -eq 0 ] && { user="User www-data"; group="Group www-data"; }
    sed -e "s|@VAR@|$VAR|g" -e "s|@USER_DIRECTIVE@|$user|" -e "s|@GROUP_DIRECTIVE@|$group|" \
        "$ROOT/conf/apache/apache.conf.in" > "$VAR/apache/apache.conf"
    LLMAPI_SERVER_PORT=$port "$ROOT/conf/nginx/render-site.sh" "$ROOT/llm-api-fcgi" "$CONFIG" "$ROOT/static" 1 apache \
        > "$VAR/apache/site.conf" || die "could not render conf/apache/site.conf.in"
    /usr/sbin/apache2 -t -f "$VAR/apache/apache.conf" >"$VAR/log/apache.out" 2>&1 \
        || die "apache configuration test failed, see $VAR/log/apache.out"
    setsid /usr/sbin/apache2 -f "$VAR/apache/apache.conf" -DFOREGROUND </dev/null >>"$VAR/log/apache.out" 2>&1 &
    local i
    for i in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && return 0; sleep 0.1; done
    die "apache did not answer on $port, see $VAR/log/apache-error.log"
}

apache_stop() { stop_daemon "$VAR/run/apache.pid" TERM 50; }

# ---- fake providers (tests/fakes) -----------------------------------------
FAKE_PORT=${LLMAPI_FAKE_PORT:-18999}

fake_start() {
    # A test-only program: `make check` builds it, or this, for run.sh --with-fakes.
    [ -x "$ROOT/tests/fakes/fake-llm" ] || make -C "$ROOT" tests/fakes/fake-llm >/dev/null || die "cannot build the fake providers"
    if (exec 3<>"/dev/tcp/127.0.0.1/$FAKE_PORT") 2>/dev/null; then
        die "127.0.0.1:$FAKE_PORT (the fake providers' port) is already in use (another stack still running?)"
    fi
    # LLMAPI_FAKE_THREADS: its connection threads (--threads; one per open
    # connection, 1100 when unset), for benchmarks holding more streams.
    local threads=()
    [ -n "${LLMAPI_FAKE_THREADS:-}" ] && threads=(--threads "$LLMAPI_FAKE_THREADS")
    setsid "$ROOT/tests/fakes/fake-llm" --port "$FAKE_PORT" "${threads[@]}" </dev/null >>"$VAR/log/fake-llm.log" 2>&1 &
    echo $! > "$VAR/run/fake-llm.pid"
    local i
    for i in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$FAKE_PORT/" && return 0; sleep 0.1; done
    die "the fake providers did not start, see $VAR/log/fake-llm.log"
}

fake_stop() {
    local pid
    pid=$(cat "$VAR/run/fake-llm.pid" 2>/dev/null) || return 0
    kill "$pid" 2>/dev/null || true
    rm -f "$VAR/run/fake-llm.pid"
}

# Points every provider that has no key at the fake server (exports
# LLMAPI_PROVIDER_<NAME>_BASE_URL and _API_KEY for the daemon).
use_fakes_for_unconfigured() {
    local name kind state url var
    while read -r name kind state url; do
        [ "$state" = configured ] && continue
        var=LLMAPI_PROVIDER_$(echo "$name" | tr 'a-z.-' 'A-Z__')
        case "$kind" in
            gemini) export "${var}_BASE_URL=http://127.0.0.1:$FAKE_PORT/v1beta" ;;
            *) export "${var}_BASE_URL=http://127.0.0.1:$FAKE_PORT/v1" ;;
        esac
        export "${var}_API_KEY=fake-key-for-$name"
    done < <("$ROOT/llm-api-fcgi" --config "$CONFIG" --providers)
}

print_providers() {
    local name kind state url
    while read -r name kind state url; do
        printf '    %-10s %-7s %-15s %s\n' "$name" "$kind" "$state" "$url"
    done < <("$ROOT/llm-api-fcgi" --config "$CONFIG" --providers)
}

stack_start() {
    mkdir -p "$VAR/log"
    export_runtime_env
    db_start
    db_setup
    pool_start
    nginx_start
}

stack_stop() {
    nginx_stop
    pool_stop
    db_stop
    local i
    for i in $(seq 1 100); do [ -S "$(DB_SOCK)" ] || return 0; sleep 0.1; done
}

#!/usr/bin/env bash
# The Debian package (debian/): builds it with dpkg-buildpackage from the
# tree's files (a copy, so the work tree's own build is left alone), then
#   1. checks what it holds: files, conffiles, dependencies, the unit, and
#      what lintian says of it;
#   2. runs the packaged binary's --check on the packaged app.ini and
#      `nginx -t` on the packaged site;
#   3. when asked (CI=true or LLMAPI_TEST_INSTALL_DEB=1, as root, on a machine
#      whose own nginx and port 8000 are free): installs it for real with dpkg,
#      starts the system MariaDB if needed, runs the service as its unit says
#      and the system nginx with the site the postinst enabled, talks to it on
#      127.0.0.1:8000 (signup, token, me, console, API docs, a JSON 413),
#      runs the autopkgtests of debian/tests/ against it (signup, token and
#      chats against a fake provider, over HTTP and HTTPS), then purges it
#      and checks what the postrm removed. It leaves the machine as it was
#      (database and user dropped, services it started stopped).
# Prints "ok - …" / "FAIL - …" lines and ends with "N passed, M failed".
#
#   tests/package/test.sh [VAR]      (default var/package)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VAR=${1:-$ROOT/var/package}
PKG=llm-service-api
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
bad() { fail=$((fail + 1)); echo "FAIL - $*"; }
check() {  # description command...
    local what=$1; shift
    if "$@" >/dev/null 2>&1; then ok "$what"; else bad "$what"; fi
}
finish() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit $?; }

# ---- build ------------------------------------------------------------------
rm -rf "$VAR" && mkdir -p "$VAR/src"
# Tracked files and new ones not ignored: what a commit of this tree holds.
(cd "$ROOT" && git ls-files -co --exclude-standard -z | xargs -0 tar cf -) | tar xf - -C "$VAR/src"
# nocheck under scripts/test.sh (LLMAPI_PACKAGE_NOCHECK=1): the same unit
# tests have already run twice in that run (plain and sanitized), and
# compiling them a third time with the package's flags costs CI a minute.
# Alone, this script builds as a buildd would: debian/rules runs them.
build_options="parallel=$(nproc)"
[ -n "${LLMAPI_PACKAGE_NOCHECK:-}" ] && build_options="$build_options nocheck"
echo "building the package in $VAR (dpkg-buildpackage -b, DEB_BUILD_OPTIONS=$build_options)"
if (cd "$VAR/src" && DEB_BUILD_OPTIONS="$build_options" dpkg-buildpackage -b -uc -us) >"$VAR/build.log" 2>&1; then
    ok "dpkg-buildpackage -b builds $PKG${LLMAPI_PACKAGE_NOCHECK:+ (nocheck: its unit tests ran above)}"
else
    tail -n 30 "$VAR/build.log"; bad "dpkg-buildpackage -b (see $VAR/build.log)"; finish
fi
DEB=$(ls "$VAR"/${PKG}_*_*.deb | head -n 1)

# ---- 1. what it holds -----------------------------------------------------------
files=$(dpkg-deb -c "$DEB" | awk '{ print $6 }' | sed 's|^\./|/|')
for f in /usr/sbin/llm-api-fcgi /usr/sbin/llm-api-admin /etc/llm-service-api/app.ini \
         /lib/systemd/system/llm-service-api.service /etc/init.d/llm-service-api \
         /lib/systemd/system/llm-api-prune.service /lib/systemd/system/llm-api-prune.timer /etc/cron.daily/llm-service-api \
         /lib/systemd/system/nginx.service.d/llm-service-api.conf \
         /usr/share/llm-service-api/nginx/update-site.sh /usr/share/llm-service-api/apache/site.conf.in \
         /usr/share/llm-service-api/apache/llm-service-api.conf \
         /usr/share/llm-service-api/sql/001_users.sql /usr/share/llm-service-api/sql/003_usage_and_limits.sql \
         /usr/share/llm-service-api/nginx/site.conf.in /usr/share/llm-service-api/nginx/render-site.sh \
         /usr/share/llm-service-api/docs/openapi.yaml /usr/share/llm-service-api/docs/openapi.json \
         /usr/share/llm-service-api/docs/index.html /usr/share/llm-service-api/docs/docs.js /usr/share/llm-service-api/docs/docs.css \
         /usr/share/doc/llm-service-api/copyright /usr/share/doc/llm-service-api/README.md.gz \
         /usr/share/man/man8/llm-api-fcgi.8.gz /usr/share/man/man8/llm-api-admin.8.gz; do
    check "the package holds $f" grep -qx -- "$f" <<<"$files"
done
# Every console file built from: the modules import each other, so one left
# out of Makefile.am's dist_console_DATA breaks the whole page.
for f in "$VAR"/src/static/console/*; do
    check "the package holds the console's ${f##*/}" grep -qx -- "/usr/share/$PKG/console/${f##*/}" <<<"$files"
done
check "no test program or fake provider in the package" bash -c '! grep -qE "fake|integration|unit-tests" <<<"$1"' _ "$files"
check "app.ini is a conffile; nginx's site is not even in the package (made from app.ini)" bash -c \
    'c=$(dpkg-deb -I "$1" conffiles); grep -qx /etc/llm-service-api/app.ini <<<"$c" && ! grep -q sites-available <<<"$c" &&
     ! dpkg-deb -c "$1" | grep -q sites-available' _ "$DEB"
depends=$(dpkg-deb -f "$DEB" Depends)
for d in nginx adduser libfcgi0ldbl libjansson4 libjwt0 libmysqlcppconn7v5 libcurl4 libargon2-1; do
    check "Depends names $d" grep -qE "(^|, )$d( |,|$)" <<<"$depends"
done
if command -v lintian >/dev/null; then
    if lintian --fail-on error,warning "$DEB" >"$VAR/lintian.log" 2>&1; then ok "lintian: no errors or warnings"
    else cat "$VAR/lintian.log"; bad "lintian: errors or warnings (see $VAR/lintian.log)"; fi
else
    bad "lintian is not installed (scripts/test.sh installs it)"
fi
check "the maintainer scripts parse (sh -n)" bash -c \
    'd=$(mktemp -d); dpkg-deb -e "$1" "$d" && sh -n "$d/postinst" && sh -n "$d/postrm"; r=$?; rm -rf "$d"; exit $r' _ "$DEB"

# ---- 2. the packaged configuration and site ------------------------------------
R=$VAR/root
dpkg-deb -x "$DEB" "$R"
check "the packaged app.ini logs to /var/log/llm-service-api" bash -c \
    'grep -q "^access_log = /var/log/llm-service-api/access.log  ;" "$1" && grep -q "^error_log = /var/log/llm-service-api/error.log  ;" "$1"' \
    _ "$R/etc/llm-service-api/app.ini"
check "the packaged llm-api-fcgi accepts the packaged app.ini (--check)" \
    env LLMAPI_JWT_SECRET=0123456789abcdef0123456789abcdef "$R/usr/sbin/llm-api-fcgi" --config "$R/etc/llm-service-api/app.ini" --check
site=$VAR/site.conf
"$R/usr/share/llm-service-api/nginx/render-site.sh" "$R/usr/sbin/llm-api-fcgi" "$R/etc/llm-service-api/app.ini" \
    /usr/share/llm-service-api 8 >"$site" 2>"$VAR/render.log" || cat "$VAR/render.log"
check "the site listens on 127.0.0.1:8000 and passes to the unit's socket" bash -c \
    'grep -q "listen 127.0.0.1:8000;" "$1" && grep -q "server unix:/run/llm-service-api/fcgi.sock;" "$1" && grep -q "server unix:/run/llm-service-api/fcgi-priority.sock;" "$1" && grep -q "alias /usr/share/llm-service-api/console/;" "$1"' _ "$site"
mkdir -p "$VAR/nginx"
cat >"$VAR/nginx/nginx.conf" <<EOF
pid $VAR/nginx/nginx.pid;
error_log $VAR/nginx/error.log;
events {}
http {
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path $VAR/nginx; fastcgi_temp_path $VAR/nginx; proxy_temp_path $VAR/nginx;
    uwsgi_temp_path $VAR/nginx; scgi_temp_path $VAR/nginx;
    include $site;
}
EOF
check "nginx -t accepts the packaged site in an http block" nginx -t -q -c "$VAR/nginx/nginx.conf" -p "$VAR/nginx" -e "$VAR/nginx/error.log"
check "the unit runs llm-api-fcgi as llm-api with the packaged config" bash -c \
    'grep -qx "ExecStart=/usr/sbin/llm-api-fcgi --config /etc/llm-service-api/app.ini --pid-file /run/llm-service-api/llm-api-fcgi.pid" "$1" && grep -qx "User=llm-api" "$1" && grep -qx "RuntimeDirectory=llm-service-api" "$1"' \
    _ "$R/lib/systemd/system/llm-service-api.service"
check "the unit is hardened (no capabilities, protected kernel and home, @system-service) and reads no EnvironmentFile" bash -c \
    'for d in CapabilityBoundingSet= NoNewPrivileges=yes PrivateDevices=yes ProtectHome=yes ProtectKernelTunables=yes \
              ProtectKernelModules=yes "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6" SystemCallFilter=@system-service \
              LimitNOFILE=65536; do grep -qx "$d" "$1" || exit 1; done; ! grep -q "^EnvironmentFile" "$1" &&
     grep -qx "ExecReload=+/usr/share/llm-service-api/nginx/update-site.sh /etc/llm-service-api/app.ini" "$1"' \
    _ "$R/lib/systemd/system/llm-service-api.service"
check "the unit lets the lane's threads run at SCHED_FIFO 1 and no higher (LimitRTPRIO=1, no RestrictRealtime)" bash -c \
    'grep -qx "LimitRTPRIO=1" "$1" && ! grep -q "^RestrictRealtime" "$1" && grep -q "ulimit -r 1" "$2"' \
    _ "$R/lib/systemd/system/llm-service-api.service" "$R/etc/init.d/llm-service-api"
check "the drop-in gives nginx.service ten times a default service's CPU weight" bash -c \
    'grep -qx "\[Service\]" "$1" && grep -qx "CPUWeight=1000" "$1"' _ "$R/lib/systemd/system/nginx.service.d/llm-service-api.conf"
check "the init script and the cron job parse (sh -n)" bash -c 'sh -n "$1/etc/init.d/llm-service-api" && sh -n "$1/etc/cron.daily/llm-service-api"' _ "$R"
check "--version on both binaries" bash -c \
    '[ "$("$1/usr/sbin/llm-api-fcgi" --version)" = "llm-api-fcgi $2" ] && [ "$("$1/usr/sbin/llm-api-admin" --version)" = "llm-api-admin $2" ]' \
    _ "$R" "$(dpkg-deb -f "$DEB" Version)"

# ---- 3. installed for real -------------------------------------------------------
want_install=${LLMAPI_TEST_INSTALL_DEB:-}
[ -z "$want_install" ] && [ "${CI:-}" = true ] && want_install=1
skip() { echo "install test skipped: $*"; finish; }
[ "$want_install" = 1 ] || skip "set LLMAPI_TEST_INSTALL_DEB=1 (CI does) to install the package on this machine"
[ "$(id -u)" -eq 0 ] || skip "needs root"
dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q installed && skip "$PKG is installed here already"
id llm-api >/dev/null 2>&1 && skip "a user llm-api exists here already"
[ -f /run/nginx.pid ] && kill -0 "$(cat /run/nginx.pid)" 2>/dev/null && skip "the system nginx is running"
(exec 3<>/dev/tcp/127.0.0.1/8000) 2>/dev/null && skip "127.0.0.1:8000 is in use"
# The system nginx also serves Debian's default site on port 80.
(exec 3<>/dev/tcp/127.0.0.1/80) 2>/dev/null && skip "port 80 is in use (nginx's default site needs it)"

STARTED_DB="" SVC_STARTED="" NGINX_STARTED="" INSTALLED="" MADE_SNAKEOIL=""
cleanup() {
    set +e
    [ -n "$SVC_STARTED" ] && /etc/init.d/llm-service-api stop >/dev/null 2>&1
    [ -n "$MADE_SNAKEOIL" ] && rm -f /etc/ssl/certs/ssl-cert-snakeoil.pem /etc/ssl/private/ssl-cert-snakeoil.key
    [ -n "$NGINX_STARTED" ] && nginx -s quit 2>/dev/null
    if [ -n "$INSTALLED" ]; then  # only what this test made
        rm -rf /run/llm-service-api   # systemd removes a RuntimeDirectory when the unit stops
        dpkg --purge "$PKG" >/dev/null 2>&1
        mariadb --no-defaults -uroot -e "DROP DATABASE IF EXISTS llm_api; DROP USER IF EXISTS 'llm_api'@'localhost';
            DROP USER IF EXISTS 'llm_api'@'127.0.0.1'" >/dev/null 2>&1
        id llm-api >/dev/null 2>&1 && deluser --system --quiet llm-api >/dev/null 2>&1
        getent group llm-api >/dev/null && delgroup --system --quiet llm-api >/dev/null 2>&1
    fi
    [ -n "$STARTED_DB" ] && /etc/init.d/mariadb stop >/dev/null 2>&1
}
trap cleanup EXIT

if ! mariadb --no-defaults -uroot -e 'SELECT 1' >/dev/null 2>&1; then
    /etc/init.d/mariadb start >"$VAR/mariadb-start.log" 2>&1 && STARTED_DB=1
fi
# A machine whose own MariaDB can't run is not a fault of the package.
mariadb --no-defaults -uroot -e 'SELECT 1' >/dev/null 2>&1 \
    || skip "the system MariaDB does not start here (see $VAR/mariadb-start.log)"
# Never on a machine that has the service's data already: cleanup drops them.
[ -n "$(mariadb --no-defaults -uroot -N -e "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'llm_api'
    UNION SELECT 1 FROM mysql.user WHERE User = 'llm_api'")" ] && skip "the system MariaDB has an llm_api database or user"

INSTALLED=1
if DEBIAN_FRONTEND=noninteractive dpkg -i "$DEB" >"$VAR/install.log" 2>&1; then ok "dpkg -i installs it"; else
    cat "$VAR/install.log"; bad "dpkg -i (see $VAR/install.log)"; finish; fi
check "postinst made the system user llm-api" id llm-api
check "postinst made the secrets, 0640 root:llm-api" bash -c \
    '[ "$(stat -c "%a %U %G" /etc/llm-service-api/secrets.env)" = "640 root llm-api" ] && grep -qE "^LLMAPI_JWT_SECRET=.{40,}$" /etc/llm-service-api/secrets.env'
check "app.ini is 0640 root:llm-api" bash -c '[ "$(stat -c "%a %U %G" /etc/llm-service-api/app.ini)" = "640 root llm-api" ]'
check "postinst made the spool directory, 0700 llm-api" bash -c '[ "$(stat -c "%a %U" /var/spool/llm-service-api)" = "700 llm-api" ]'
check "postinst migrated the database" bash -c \
    '[ "$(mariadb --no-defaults -uroot -N -e "SELECT COUNT(*) FROM llm_api.schema_migrations")" = "$(ls /usr/share/llm-service-api/sql/*.sql | wc -l)" ]'
check "postinst enabled the nginx site" bash -c '[ "$(readlink /etc/nginx/sites-enabled/llm-service-api)" = /etc/nginx/sites-available/llm-service-api ]'
secret_before=$(md5sum /etc/llm-service-api/secrets.env)
DEBIAN_FRONTEND=noninteractive dpkg -i "$DEB" >>"$VAR/install.log" 2>&1
check "reinstalling keeps the secrets" bash -c '[ "$(md5sum /etc/llm-service-api/secrets.env)" = "$1" ]' _ "$secret_before"

# The service as a host without systemd runs it: the package's init script
# (start-stop-daemon as llm-api, /run/llm-service-api made as the unit's
# RuntimeDirectory; llm-api-fcgi reads secrets.env itself).
check "postinst made nginx's site from app.ini" grep -q "listen 127.0.0.1:8000;" /etc/nginx/sites-available/llm-service-api
/etc/init.d/llm-service-api start >"$VAR/service-start.log" 2>&1 && SVC_STARTED=1
check "the init script starts the service as llm-api, its pid file in /run/llm-service-api" bash -c \
    '[ -n "$1" ] && [ "$(stat -c %U "/proc/$(cat /run/llm-service-api/llm-api-fcgi.pid)")" = llm-api ]' _ "${SVC_STARTED:-}"
check "the service starts as llm-api and opens its socket" test -S /run/llm-service-api/fcgi.sock
check "its sockets are 0660 in nginx's group (www-data), the priority one too" bash -c \
    '[ "$(stat -c %a:%G /run/llm-service-api/fcgi.sock)" = 660:www-data ] &&
     [ "$(stat -c %a:%G /run/llm-service-api/fcgi-priority.sock)" = 660:www-data ]'
check "/etc/init.d/llm-service-api status: running" /etc/init.d/llm-service-api status
nginx >"$VAR/nginx-start.log" 2>&1 && NGINX_STARTED=1
check "the system nginx starts with the site enabled" test -n "$NGINX_STARTED"

B=http://127.0.0.1:8000
for _ in $(seq 1 50); do curl -s -o /dev/null "$B/healthz" && break; sleep 0.1; done
expect() {  # description expected-substring curl-args...
    local what=$1 want=$2; shift 2
    local got; got=$(curl -s -w ' HTTP%{http_code}' "$@" 2>&1)
    if [[ "$got" == *"$want"* ]]; then ok "$what"; else bad "$what: got ${got:0:200}"; fi
}
expect "GET / answers the welcome" '{"message":"Welcome to the LLM API!"} HTTP200' "$B/"
expect "GET /healthz: the database answers" '{"status":"ok"} HTTP200' "$B/healthz"
expect "signup" '{"message":"User created successfully"} HTTP201' -X POST "$B/api/signup/" \
    -H 'Content-Type: application/json' -d '{"username":"package_user","password":"secure_pwd"}'
tokens=$(curl -s -X POST "$B/api/token/" -H 'Content-Type: application/json' -d '{"username":"package_user","password":"secure_pwd"}')
access=$(sed -n 's/.*"access":"\([^"]*\)".*/\1/p' <<<"$tokens")
check "token" test -n "$access"
expect "me, with the token" '"username":"package_user"' "$B/api/me/" -H "Authorization: Bearer $access"
expect "the console from /usr/share/llm-service-api" '<!doctype html>' -H 'Accept: text/html' "$B/console/"
expect "the API's documentation page at /docs/" '<!doctype html>' "$B/docs/"
expect "the document at /openapi.json (made from the YAML at build time)" '"openapi": "3.1' "$B/openapi.json"
check "the document at /openapi.yaml is the packaged one" bash -c \
    'curl -sf "$1/openapi.yaml" | cmp -s - /usr/share/llm-service-api/docs/openapi.yaml' _ "$B"
expect "a body over max_body_bytes: nginx's JSON 413" 'Request body is too large (limit 1048576 bytes).' \
    -X POST "$B/api/signup/" -H 'Content-Type: application/json' --data-binary @<(head -c 1100000 /dev/zero | tr '\0' a)
check "the access log is /var/log/llm-service-api/access.log, the error log beside it" bash -c \
    'grep -q "\"route\":\"/api/me\"" /var/log/llm-service-api/access.log && grep -q "master ready" /var/log/llm-service-api/error.log'
# logrotate with the package's file: the next request lands in a new access.log.
if command -v logrotate >/dev/null; then
    logrotate -f /etc/logrotate.d/llm-service-api >"$VAR/logrotate.log" 2>&1
    for _ in $(seq 1 50); do grep -q "log files reopened" /var/log/llm-service-api/error.log 2>/dev/null && break; sleep 0.1; done
    curl -s -o /dev/null -H 'X-Request-Id: after-logrotate' "$B/api/"
    sleep 0.5
    check "logrotate: the old logs moved, the service writes new ones (SIGUSR1)" bash -c \
        '[ -f /var/log/llm-service-api/access.log.1 ] && grep -q after-logrotate /var/log/llm-service-api/access.log &&
         ! grep -q after-logrotate /var/log/llm-service-api/access.log.1 && grep -q "log files reopened" /var/log/llm-service-api/error.log'
else
    bad "logrotate is not installed (scripts/test.sh installs it)"
fi

# The administrator's tools as root, nothing sourced: secrets.env is read.
check "llm-api-fcgi --check as root, nothing sourced" bash -c \
    '[ "$(llm-api-fcgi --config /etc/llm-service-api/app.ini --check)" = "configuration ok" ]'
check "llm-api-admin as root, nothing sourced (it reaches the database)" bash -c 'llm-api-admin usage | head -n 1 | grep -q "^usage from"'
mariadb --no-defaults -uroot llm_api -e "INSERT INTO token_blacklist VALUES
    ('0123456789abcdef0123456789abcdef', 1, UTC_TIMESTAMP() - INTERVAL 1 DAY, UTC_TIMESTAMP(6))" >/dev/null 2>&1
check "the daily cron job (no systemd here) prunes: an expired blacklisted token goes" bash -c \
    '/etc/cron.daily/llm-service-api && [ "$(mariadb --no-defaults -uroot -N -e "SELECT COUNT(*) FROM llm_api.token_blacklist WHERE jti = '"'"'0123456789abcdef0123456789abcdef'"'"'")" = 0 ]'

# The autopkgtests (debian/tests), run on this installed package as autopkgtest
# runs them: each test of debian/tests/control, from the source tree, with a
# fresh AUTOPKGTEST_TMP. They point a provider at their fake and turn TLS on
# (8443), then put app.ini and secrets.env back: the checks below start from
# the package's own files again.
conf_state() { md5sum /etc/llm-service-api/app.ini /etc/llm-service-api/secrets.env /etc/nginx/sites-available/$PKG;
               stat -c '%n %a %U %G' /etc/llm-service-api/app.ini /etc/llm-service-api/secrets.env; }
conf_before=$(conf_state)
adt_tests=$(awk '/^#/ { next } tolower($1) == "tests:" { t = 1; $1 = ""; print; next } /^[ \t]/ && t { print; next } { t = 0 }' \
    "$VAR/src/debian/tests/control" 2>/dev/null | tr ',' ' ')
[ -n "$adt_tests" ] || bad "debian/tests/control names no tests"
for t in $adt_tests; do
    adt_tmp=$(mktemp -d) adt_start=$SECONDS adt_log=$VAR/autopkgtest-$t.log
    if (cd "$VAR/src" && AUTOPKGTEST_TMP=$adt_tmp AUTOPKGTEST_ARTIFACTS=$adt_tmp/artifacts \
            timeout -k 10 120 "debian/tests/$t") >"$adt_log" 2>&1; then
        sed 's/^/    /' "$adt_log"; ok "autopkgtest $t ($((SECONDS - adt_start)) s)"
    else
        sed 's/^/    /' "$adt_log"; bad "autopkgtest $t (see $adt_log)"
    fi
    rm -rf "$adt_tmp"
done
check "the autopkgtests left app.ini, secrets.env and nginx's site as they were" test "$(conf_state)" = "$conf_before"
check "the autopkgtests left the service and nginx running, their fake stopped" bash -c \
    '/etc/init.d/llm-service-api status && kill -0 "$(cat /run/nginx.pid)" && ! (exec 3<>/dev/tcp/127.0.0.1/18980)'

# HTTPS by two keys and a reload: Debian's snakeoil pair (ssl-cert).
if [ ! -f /etc/ssl/certs/ssl-cert-snakeoil.pem ]; then
    make-ssl-cert generate-default-snakeoil >/dev/null 2>&1 && MADE_SNAKEOIL=1
fi
sed -i -e 's|^tls_port = 0 |tls_port = 8443 |' -e 's|^tls_cert = |tls_cert = /etc/ssl/certs/ssl-cert-snakeoil.pem|' \
    -e 's|^tls_key = |tls_key = /etc/ssl/private/ssl-cert-snakeoil.key|' /etc/llm-service-api/app.ini
/etc/init.d/llm-service-api reload >"$VAR/reload.log" 2>&1
check "reload renders the site with TLS (nginx reloaded)" grep -q "listen 127.0.0.1:8443 ssl http2;" /etc/nginx/sites-available/llm-service-api
for _ in $(seq 1 50); do curl -sk -o /dev/null https://127.0.0.1:8443/healthz && break; sleep 0.1; done
expect "HTTPS after the reload" '{"status":"ok"} HTTP200' -k https://127.0.0.1:8443/healthz
check "HTTP/2 over TLS (ALPN)" bash -c '[ "$(curl -sk -o /dev/null -w %{http_version} https://127.0.0.1:8443/healthz)" = 2 ]'
expect "signup over HTTPS" '{"message":"User created successfully"} HTTP201' -k -X POST https://127.0.0.1:8443/api/signup/ \
    -H 'Content-Type: application/json' -d '{"username":"package_tls","password":"secure_pwd"}'

# A reload reads secrets.env again: a new JWT secret refuses the old tokens.
sed -i "s|^LLMAPI_JWT_SECRET=.*|LLMAPI_JWT_SECRET=$(head -c 48 /dev/urandom | base64 -w 0 | tr '+/' '-_' | tr -d '=')|" \
    /etc/llm-service-api/secrets.env
/etc/init.d/llm-service-api reload >>"$VAR/reload.log" 2>&1
for _ in $(seq 1 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$B/api/me/" -H "Authorization: Bearer $access")" = 401 ] && break; sleep 0.1
done
expect "after the reload the old token is refused (the new secret is in use)" 'HTTP401' "$B/api/me/" -H "Authorization: Bearer $access"
tokens=$(curl -s -X POST "$B/api/token/" -H 'Content-Type: application/json' -d '{"username":"package_user","password":"secure_pwd"}')
access=$(sed -n 's/.*"access":"\([^"]*\)".*/\1/p' <<<"$tokens")
expect "a new token works" '"username":"package_user"' "$B/api/me/" -H "Authorization: Bearer $access"

/etc/init.d/llm-service-api stop >/dev/null 2>&1; SVC_STARTED=""
secret_before=$(md5sum /etc/llm-service-api/secrets.env)  # the rotated one
nginx -s quit 2>/dev/null; NGINX_STARTED=""; sleep 0.5
dpkg --remove "$PKG" >>"$VAR/install.log" 2>&1
check "remove: the site's link goes, the site and the conffiles stay" bash -c \
    '[ ! -e /etc/nginx/sites-enabled/llm-service-api ] && [ -f /etc/nginx/sites-available/llm-service-api ] && [ -f /etc/llm-service-api/secrets.env ]'
DEBIAN_FRONTEND=noninteractive dpkg -i "$DEB" >>"$VAR/install.log" 2>&1
check "installed back after remove: the site is linked again, the secrets kept" bash -c \
    '[ -L /etc/nginx/sites-enabled/llm-service-api ] && [ "$(md5sum /etc/llm-service-api/secrets.env)" = "$1" ]' _ "$secret_before"
users_before=$(mariadb --no-defaults -uroot -N -e "SELECT COUNT(*) FROM llm_api.users")  # the autopkgtests' too
dpkg --remove "$PKG" >>"$VAR/install.log" 2>&1
dpkg --purge "$PKG" >>"$VAR/install.log" 2>&1
check "purge: the secrets, app.ini, the site, the spool and the logs go" bash -c \
    '[ ! -e /etc/llm-service-api ] && [ ! -e /var/spool/llm-service-api ] && [ ! -e /etc/nginx/sites-available/llm-service-api ] && [ ! -e /var/lib/llm-service-api ] && [ ! -e /var/log/llm-service-api ]'
check "purge keeps the database (users' accounts and usage)" bash -c \
    '[ "$1" -ge 2 ] && [ "$(mariadb --no-defaults -uroot -N -e "SELECT COUNT(*) FROM llm_api.users")" = "$1" ]' _ "$users_before"
finish

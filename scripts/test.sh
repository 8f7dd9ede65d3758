#!/usr/bin/env bash
# Installs what is missing, builds with -Werror, runs the CppUnit unit tests
# (make check), then starts a real stack (MariaDB, worker pool, nginx) in
# var/test and runs the HTTP integration suite, the OpenAI SDK test and the
# browser test against it; last, builds and checks the Debian package.
# Ends with one "N passed, M failed" line; exits 0 only when all pass.
#   scripts/test.sh              everything above
#   scripts/test.sh --sanitize   then again the unit and integration suites,
#                                built with ASan + UBSan (./configure
#                                --enable-sanitizers) in a copy of the tree
#                                under var/sanitize; any sanitizer report fails
#   scripts/test.sh --sanitize-unit   the same with the unit tests only (what
#                                CI runs: the whole sanitized run would take
#                                CI past its 25 minutes)
#   scripts/test.sh --sanitize-only   just the sanitized unit + integration run
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MODE=${1:-all}
case "$MODE" in
    all|--sanitize|--sanitize-unit|--sanitize-only|--sanitized-here) ;;
    *) echo "usage: $0 [--sanitize|--sanitize-unit|--sanitize-only]" >&2; exit 2 ;;
esac
VAR=$ROOT/var/test
. "$ROOT/scripts/lib.sh"
# Each phase says when it starts, in seconds since the run began (CI has a budget).
phase() { say "$* [at ${SECONDS} s]"; }
CONFIGURE_FLAGS=--enable-werror

# The sanitizer run: a copy of the tree (automake will not build a second
# configuration beside an in-place one), configured with the sanitizers,
# running its own stack on other ports so both can coexist.
sanitize_run() {  # [unit]
    local copy=$ROOT/var/sanitize
    phase "sanitizer run (ASan + UBSan) in $copy"
    mkdir -p "$copy"
    (cd "$ROOT" && git ls-files -co --exclude-standard -z | grep -zv '^var/' \
        | rsync -a --from0 --files-from=- ./ "$copy/")
    LLMAPI_TEST_PORT=${LLMAPI_SANITIZE_PORT:-18100} LLMAPI_FAKE_PORT=${LLMAPI_SANITIZE_FAKE_PORT:-18198} \
        SANITIZE_UNIT_ONLY=${1:-} bash "$copy/scripts/test.sh" --sanitized-here
}
if [ "$MODE" = --sanitize-only ]; then
    EXTRA_PACKAGES="rsync" install_deps
    sanitize_run
    exit
fi

if [ "$MODE" = --sanitized-here ]; then
    CONFIGURE_FLAGS="--enable-werror --enable-sanitizers"
    # Every report goes to a file in $SAN_LOGS; any such file fails the run.
    SAN_LOGS=$ROOT/var/sanitizer-reports
    rm -rf "$SAN_LOGS"; mkdir -p "$SAN_LOGS"
    export ASAN_OPTIONS="log_path=$SAN_LOGS/asan:detect_leaks=0"
    export UBSAN_OPTIONS="log_path=$SAN_LOGS/ubsan:print_stacktrace=1:halt_on_error=1"
    # ASan's redzones make frames bigger than the default 512 KiB stacks expect.
    export LLMAPI_SERVER_THREAD_STACK_KB=4096
else
    # The OpenAI SDK test needs Node.js (on these machines already; Debian's otherwise).
    command -v node >/dev/null && command -v npm >/dev/null || EXTRA_PACKAGES="nodejs npm"
    # The package test builds the .deb (tests/package/test.sh); the sanitizer run copies the tree.
    # Apache: tests/integration/test_apache.cpp runs it in front of the pool.
    EXTRA_PACKAGES="${EXTRA_PACKAGES:-} debhelper dpkg-dev lintian rsync apache2 ssl-cert logrotate python3"
    install_deps
fi
cd "$ROOT"
# A tree configured with other flags (run.sh has none) is reconfigured and rebuilt.
if [ -f config.status ] && [ "$(sed -n "s/^ac_cs_config='\(.*\)'$/\1/p" config.status)" != "$CONFIGURE_FLAGS" ]; then
    rm -f Makefile; make_clean=1
fi
[ -n "${make_clean:-}" ] && { ./configure $CONFIGURE_FLAGS >/dev/null && make clean >/dev/null; }
# The sanitized unit-only run (CI's) builds the unit tests alone (and the
# JSON of docs/openapi.yaml they read): the daemon, the admin tool, the
# integration suite and the fakes under ASan would cost minutes for nothing.
unit_only=
[ "$MODE" = --sanitized-here ] && [ -n "${SANITIZE_UNIT_ONLY:-}" ] && unit_only=1
if [ -n "$unit_only" ]; then build tests/unit/unit-tests static/docs/openapi.json; else build; fi
mkdir -p "$ROOT/var"

phase "layer check (scripts/check-layers.sh)"
layers_fail=0
"$ROOT/scripts/check-layers.sh" || layers_fail=1

count() { sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$1" | tail -n 1; }

phase "unit tests"
rm -f tests/unit/unit-tests.log
if [ -n "$unit_only" ]; then
    ./tests/unit/unit-tests >tests/unit/unit-tests.log 2>&1 || true
else
    make -j"$(nproc)" check >"$ROOT/var/make-check.log" 2>&1 || true
fi
unit_log=$ROOT/tests/unit/unit-tests.log
[ -f "$unit_log" ] || tail -n 40 "$ROOT/var/make-check.log"
grep -v ': OK$' "$unit_log" 2>/dev/null || true
read -r unit_pass unit_fail < <(count "$unit_log" || echo "0 1")
[ -n "${unit_pass:-}" ] || { unit_pass=0; unit_fail=1; say "unit tests did not run"; }
unit_pass=$((unit_pass + 1 - layers_fail)); unit_fail=$((unit_fail + layers_fail))  # the layer check counts as one

CTL=$ROOT/tests/integration/stack.sh
if [ -n "$unit_only" ]; then
    it_pass=0 it_fail=0
    say "integration tests skipped in this sanitized run (unit tests only)"
else
phase "integration tests (a fresh stack in $VAR)"
"$CTL" stop >/dev/null 2>&1 || true
rm -rf "$VAR"
trap '"$CTL" stop >/dev/null 2>&1 || true' EXIT
"$CTL" start
it_log=$VAR/integration.log
set +e
env $("$CTL" env) LLMAPI_TEST_CTL="$CTL" "$ROOT/tests/integration/integration-tests" 2>&1 | tee "$it_log"
set -e
read -r it_pass it_fail < <(count "$it_log" || echo "0 1")
[ -n "${it_pass:-}" ] || { it_pass=0; it_fail=1; say "integration tests did not finish"; }
fi

if [ "$MODE" = --sanitized-here ]; then
    "$CTL" stop >/dev/null 2>&1 || true
    reports=$(ls "$SAN_LOGS"/* 2>/dev/null || true)
    san_fail=0
    if [ -n "$reports" ]; then
        say "sanitizer reports:"; for f in $reports; do echo "--- $f"; head -n 60 "$f"; done
        san_fail=1
    else
        say "no sanitizer report (ASan + UBSan) from the unit tests, the workers or the admin tool"
    fi
    say "sanitized: unit $unit_pass passed, $unit_fail failed; integration $it_pass passed, $it_fail failed"
    echo "$((unit_pass + it_pass)) passed, $((unit_fail + it_fail + san_fail)) failed"
    [ "$unit_fail" -eq 0 ] && [ "$it_fail" -eq 0 ] && [ "$san_fail" -eq 0 ]
    exit
fi

phase "OpenAI SDK tests (npm openai, against /v1)"
sdk_log=$VAR/sdk.log
set +e
( cd "$ROOT/tests/sdk" && { [ -d node_modules/openai ] || npm ci --no-audit --no-fund --silent; } ) >"$VAR/npm.log" 2>&1 \
    || { cat "$VAR/npm.log"; say "npm install of the OpenAI SDK failed"; }
env $("$CTL" env) node "$ROOT/tests/sdk/openai_sdk.test.mjs" 2>&1 | tee "$sdk_log"
set -e
read -r sdk_pass sdk_fail < <(count "$sdk_log" || echo "0 1")
[ -n "${sdk_pass:-}" ] || { sdk_pass=0; sdk_fail=1; say "SDK tests did not finish"; }
it_pass=$((it_pass + sdk_pass)); it_fail=$((it_fail + sdk_fail))

phase "browser test (the console in headless Chromium, tests/browser)"
browser_log=$VAR/browser.log
set +e
env $("$CTL" env) "$ROOT/tests/browser/run.sh" 2>&1 | tee "$browser_log"
set -e
read -r br_pass br_fail < <(count "$browser_log" || echo "0 1")
[ -n "${br_pass:-}" ] || { br_pass=0; br_fail=1; say "browser test did not finish"; }
it_pass=$((it_pass + br_pass)); it_fail=$((it_fail + br_fail))

"$CTL" stop >/dev/null 2>&1 || true

# Under CI (CI=true) this also installs the package on the machine, runs it
# with the system's MariaDB and nginx, and purges it (see its header).
phase "Debian package (tests/package/test.sh)"
pkg_log=$ROOT/var/package.log
set +e
LLMAPI_PACKAGE_NOCHECK=1 "$ROOT/tests/package/test.sh" "$ROOT/var/package" 2>&1 | tee "$pkg_log"
set -e
read -r pkg_pass pkg_fail < <(count "$pkg_log" || echo "0 1")
[ -n "${pkg_pass:-}" ] || { pkg_pass=0; pkg_fail=1; say "package test did not finish"; }
it_pass=$((it_pass + pkg_pass)); it_fail=$((it_fail + pkg_fail))

say "unit: $unit_pass passed, $unit_fail failed; integration (with SDK, browser and package): $it_pass passed, $it_fail failed"
if [ "$MODE" = --sanitize ] || [ "$MODE" = --sanitize-unit ]; then
    set +e
    sanitize_run "$([ "$MODE" = --sanitize-unit ] && echo unit)" 2>&1 | tee "$ROOT/var/sanitize.log"
    set -e
    read -r san_pass san_fail < <(count "$ROOT/var/sanitize.log" || echo "0 1")
    [ -n "${san_pass:-}" ] || { san_pass=0; san_fail=1; say "sanitizer run did not finish"; }
    it_pass=$((it_pass + san_pass)); it_fail=$((it_fail + san_fail))
fi
say "the whole run took ${SECONDS} s"
echo "$((unit_pass + it_pass)) passed, $((unit_fail + it_fail)) failed"
[ "$unit_fail" -eq 0 ] && [ "$it_fail" -eq 0 ]

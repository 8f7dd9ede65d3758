#!/usr/bin/env bash
# Installs what is missing, builds with -Werror, runs the CppUnit unit tests
# (make check), then starts a real stack (MariaDB, worker pool, nginx) in
# var/test and runs the HTTP integration suite, the OpenAI SDK test and the
# browser test against it; last, builds and checks the Debian package.
# Ends with one "N passed, M failed" line; exits 0 only when all pass.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VAR=$ROOT/var/test
. "$ROOT/scripts/lib.sh"
CONFIGURE_FLAGS=--enable-werror

# The OpenAI SDK test needs Node.js (on these machines already; Debian's otherwise).
command -v node >/dev/null && command -v npm >/dev/null || EXTRA_PACKAGES="nodejs npm"
# The package test builds the .deb (tests/package/test.sh).
EXTRA_PACKAGES="${EXTRA_PACKAGES:-} debhelper dpkg-dev lintian"
install_deps
cd "$ROOT"
# A tree configured without -Werror (by run.sh) is reconfigured for the tests.
if [ -f config.status ] && ! grep -q -- '--enable-werror' config.status; then rm -f Makefile; fi
build
mkdir -p "$ROOT/var"

count() { sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$1" | tail -n 1; }

say "unit tests"
rm -f tests/unit/unit-tests.log
make -j"$(nproc)" check >"$ROOT/var/make-check.log" 2>&1 || true
unit_log=$ROOT/tests/unit/unit-tests.log
[ -f "$unit_log" ] || tail -n 40 "$ROOT/var/make-check.log"
grep -v ': OK$' "$unit_log" 2>/dev/null || true
read -r unit_pass unit_fail < <(count "$unit_log" || echo "0 1")
[ -n "${unit_pass:-}" ] || { unit_pass=0; unit_fail=1; say "unit tests did not run"; }

say "integration tests (a fresh stack in $VAR)"
CTL=$ROOT/tests/integration/stack.sh
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

say "OpenAI SDK tests (npm openai, against /v1)"
sdk_log=$VAR/sdk.log
set +e
( cd "$ROOT/tests/sdk" && { [ -d node_modules/openai ] || npm ci --no-audit --no-fund --silent; } ) >"$VAR/npm.log" 2>&1 \
    || { cat "$VAR/npm.log"; say "npm install of the OpenAI SDK failed"; }
env $("$CTL" env) node "$ROOT/tests/sdk/openai_sdk.test.mjs" 2>&1 | tee "$sdk_log"
set -e
read -r sdk_pass sdk_fail < <(count "$sdk_log" || echo "0 1")
[ -n "${sdk_pass:-}" ] || { sdk_pass=0; sdk_fail=1; say "SDK tests did not finish"; }
it_pass=$((it_pass + sdk_pass)); it_fail=$((it_fail + sdk_fail))

say "browser test (the console in headless Chromium, tests/browser)"
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
say "Debian package (tests/package/test.sh)"
pkg_log=$ROOT/var/package.log
set +e
"$ROOT/tests/package/test.sh" "$ROOT/var/package" 2>&1 | tee "$pkg_log"
set -e
read -r pkg_pass pkg_fail < <(count "$pkg_log" || echo "0 1")
[ -n "${pkg_pass:-}" ] || { pkg_pass=0; pkg_fail=1; say "package test did not finish"; }
it_pass=$((it_pass + pkg_pass)); it_fail=$((it_fail + pkg_fail))

say "unit: $unit_pass passed, $unit_fail failed; integration (with SDK, browser and package): $it_pass passed, $it_fail failed"
echo "$((unit_pass + it_pass)) passed, $((unit_fail + it_fail)) failed"
[ "$unit_fail" -eq 0 ] && [ "$it_fail" -eq 0 ]

#!/usr/bin/env bash
# End-to-end browser tests of the console (console.test.mjs) and of the API
# reference page at /docs/ (docs.test.mjs): headless Debian Chromium driven by
# playwright-core (never a downloaded browser). Installs what it needs only
# when missing, then runs both against $LLMAPI_TEST_URL:
#   env $(tests/integration/stack.sh env) tests/browser/run.sh
# The last line is "N passed, M failed", summed over both (their own summary
# lines are left out); the exit status is non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")"

if [ -z "${LLMAPI_TEST_URL:-}" ]; then
    echo "run.sh: LLMAPI_TEST_URL is not set (env \$(tests/integration/stack.sh env) $0)" >&2
    echo "0 passed, 1 failed"
    exit 1
fi

if [ ! -x /usr/bin/chromium ]; then
    echo "==> installing Debian's chromium" >&2
    SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >&2 \
        || { $SUDO apt-get update >&2 && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >&2; }
fi
if [ ! -d node_modules/playwright-core ]; then
    echo "==> npm ci (playwright-core; it downloads no browser)" >&2
    npm ci --no-audit --no-fund --loglevel=error >&2
fi

summary='^[0-9]+ passed, [0-9]+ failed$'
pass=0; fail=0
for t in console.test.mjs docs.test.mjs; do
    echo "==> $t"
    log=$(mktemp)
    set +e
    node "$t" 2>&1 | tee "$log" | grep --line-buffered -Ev "$summary"
    rc=${PIPESTATUS[0]}
    set -e
    line=$(grep -E "$summary" "$log" | tail -n 1 || true)
    rm -f "$log"
    if [ -n "$line" ]; then
        p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed}
    else
        echo "$t did not finish (exit status $rc)"
        p=0; f=1
    fi
    # A non-zero exit with nothing counted as failed is a failure all the same.
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    pass=$((pass + p)); fail=$((fail + f))
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/usr/bin/env bash
# End-to-end browser test of the console: headless Debian Chromium driven by
# playwright-core (never a downloaded browser). Installs what it needs only
# when missing, then runs console.test.mjs against $LLMAPI_TEST_URL:
#   env $(tests/integration/stack.sh env) tests/browser/run.sh
# The last line is "N passed, M failed"; the exit status is non-zero on failure.
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

exec node console.test.mjs

#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole service in the
# foreground: MariaDB (data in var/), the FastCGI worker pool and nginx on
# 127.0.0.1:<[server] port>. Ctrl-C stops everything it started.
set -euo pipefail
VAR=${LLMAPI_VAR:-$(cd "$(dirname "$0")/.." && pwd)/var}
. "$(dirname "$0")/lib.sh"

install_deps
build
mkdir -p "$VAR"

stopping=0
shutdown() {
    [ "$stopping" = 1 ] && return
    stopping=1
    say "stopping"
    stack_stop
    exit 0
}
trap shutdown INT TERM
# Anything left half-started (a failed start) is stopped too.
trap 'stack_stop' EXIT

stack_start

url="http://127.0.0.1:$NGINX_PORT"
say "LLM Service API is up at $url (logs in $VAR/log, Ctrl-C stops)"
cat <<TXT

Try it:
  curl $url/
  curl -X POST $url/api/signup/ \\
    -H "Content-Type: application/json" \\
    -d '{"username": "charming_user", "password": "secure_pwd"}'

TXT
# Stay in the foreground until Ctrl-C (or until a part we started exits).
wait -n || true
say "a component exited unexpectedly; see $VAR/log"
shutdown

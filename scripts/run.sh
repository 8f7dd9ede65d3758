#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole service in the
# foreground: MariaDB (data in var/), the FastCGI worker pool and nginx on
# 127.0.0.1:<[server] port>. Ctrl-C stops everything it started.
#   scripts/run.sh [--with-fakes]
# --with-fakes also starts the fake OpenAI/Gemini server (tests/fakes) and
# points every provider that has no API key at it, to try everything offline.
set -euo pipefail
WITH_FAKES=0
for arg in "$@"; do
    case "$arg" in
        --with-fakes) WITH_FAKES=1 ;;
        *) echo "usage: $0 [--with-fakes]" >&2; exit 2 ;;
    esac
done
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
    fake_stop
    exit 0
}
trap shutdown INT TERM
# Anything left half-started (a failed start) is stopped too.
trap 'stack_stop; fake_stop' EXIT

mkdir -p "$VAR/run" "$VAR/log"
export_runtime_env
if [ "$WITH_FAKES" = 1 ]; then
    fake_start
    use_fakes_for_unconfigured
fi
stack_start

url="http://127.0.0.1:$NGINX_PORT"
say "LLM Service API is up at $url (logs in $VAR/log, Ctrl-C stops)"
say "providers (name, kind, state, base URL):"
print_providers
if [ "$WITH_FAKES" = 1 ]; then
    say "providers without a key answer from the fake server on 127.0.0.1:$FAKE_PORT (model ids and replies say \"fake\")"
else
    say "no key? set LLMAPI_PROVIDER_OPENAI_API_KEY=... (etc.), or try offline with: scripts/run.sh --with-fakes"
fi
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

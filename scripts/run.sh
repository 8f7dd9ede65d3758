#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole service in the
# foreground: MariaDB (data in var/), the FastCGI worker pool and nginx on
# 127.0.0.1:<[server] port>. Ctrl-C stops everything it started.
#   scripts/run.sh [--with-fakes] [--tls]
# --with-fakes also starts the fake OpenAI/Gemini server (tests/fakes) and
# points every provider that has no API key at it, to try everything offline.
# --tls also serves HTTPS (and HTTP/2) on [server] tls_port, 8443 when it is
# 0; without a configured tls_cert/tls_key it makes a private CA and a
# certificate for 127.0.0.1/localhost under var/tls/ (once).
set -euo pipefail
WITH_FAKES=0 WITH_TLS=0
for arg in "$@"; do
    case "$arg" in
        --with-fakes) WITH_FAKES=1 ;;
        --tls) WITH_TLS=1 ;;
        *) echo "usage: $0 [--with-fakes] [--tls]" >&2; exit 2 ;;
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
ca=""
if [ "$WITH_TLS" = 1 ]; then
    tls_port=0 tls_cert=""
    eval "$("$ROOT/llm-api-fcgi" --config "$CONFIG" --show | grep -E '^(tls_port|tls_cert)=')"
    [ "$tls_port" != 0 ] || export LLMAPI_SERVER_TLS_PORT=8443
    if [ -z "$tls_cert" ]; then  # a configured pair always wins
        tls_ensure "$VAR/tls"
        export LLMAPI_SERVER_TLS_CERT=$VAR/tls/server.crt LLMAPI_SERVER_TLS_KEY=$VAR/tls/server.key
        ca=$VAR/tls/ca.crt
    fi
fi
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
if [ "$WITH_TLS" = 1 ]; then
    tls_url="https://localhost:${LLMAPI_SERVER_TLS_PORT:-$tls_port}"
    say "HTTPS (HTTP/2) at $tls_url${ca:+, certificate from the private CA $ca}"
    say "  curl${ca:+ --cacert $ca} $tls_url/healthz"
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

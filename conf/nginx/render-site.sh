#!/bin/sh
# Prints site.conf.in (beside this script) filled in from a configuration:
#   render-site.sh LLM_API_FCGI CONFIG STATIC_DIR KEEPALIVE
# LLM_API_FCGI --config CONFIG --show gives port, socket, max_body_bytes and
# the login rate limit
# (LLMAPI_* environment overrides included); STATIC_DIR holds console/;
# KEEPALIVE is the idle kept-alive connections to the workers per nginx
# worker process (each pins a worker thread: keep it well under the threads).
set -eu
[ $# -eq 4 ] || { echo "usage: $0 LLM_API_FCGI CONFIG STATIC_DIR KEEPALIVE" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
show=$("$1" --config "$2" --show) || exit 1
port="" socket="" priority_socket="" max_body_bytes="" login_rate_per_minute="" login_burst=""
eval "$show"
[ -n "$port" ] && [ -n "$socket" ] && [ -n "$priority_socket" ] && [ -n "$max_body_bytes" ] &&
    [ -n "$login_rate_per_minute" ] &&
    [ -n "$login_burst" ] || { echo "$0: incomplete --show output" >&2; exit 1; }
sed -e "s|@PORT@|$port|g" -e "s|@SOCKET@|$socket|g" -e "s|@PRIORITY_SOCKET@|$priority_socket|g" \
    -e "s|@MAX_BODY@|$max_body_bytes|g" \
    -e "s|@LOGIN_RATE@|$login_rate_per_minute|g" -e "s|@LOGIN_BURST@|$login_burst|g" \
    -e "s|@KEEPALIVE@|$4|g" -e "s|@STATIC@|$3|g" "$here/site.conf.in"

#!/bin/sh
# Prints site.conf.in (beside this script) filled in from a configuration:
#   render-site.sh LLM_API_FCGI CONFIG STATIC_DIR KEEPALIVE [apache]
# With "apache", Apache's site instead (../apache/site.conf.in).
# LLM_API_FCGI --config CONFIG --show gives the [server] settings nginx needs
# (LLMAPI_* environment overrides included; already validated there);
# STATIC_DIR holds console/; KEEPALIVE is the idle kept-alive connections to
# the workers per nginx worker process (each pins a worker thread: keep it
# well under the threads).
set -eu
[ $# -eq 4 ] || { [ $# -eq 5 ] && [ "$5" = apache ]; } ||
    { echo "usage: $0 LLM_API_FCGI CONFIG STATIC_DIR KEEPALIVE [apache]" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
show=$("$1" --config "$2" --show) || exit 1
port="" socket="" priority_socket="" max_body_bytes="" login_rate_per_minute="" login_burst=""
bind="" tls_port="" tls_cert="" tls_key="" http_redirect="" trusted_proxies=""
eval "$show"
[ -n "$port" ] && [ -n "$socket" ] && [ -n "$priority_socket" ] && [ -n "$max_body_bytes" ] &&
    [ -n "$login_rate_per_minute" ] && [ -n "$login_burst" ] && [ -n "$bind" ] && [ -n "$tls_port" ] ||
    { echo "$0: incomplete --show output" >&2; exit 1; }

# An IPv6 address goes in brackets in a listen directive.
case "$bind" in *:*) addr="[$bind]" ;; *) addr=$bind ;; esac

if [ $# -eq 5 ]; then
    # Apache's mod_proxy_fcgi URLs: unix:PATH|fcgi://NAME/ or fcgi://HOST:PORT/
    # (the names keep the two sockets' proxy workers apart).
    fcgi_url() { case "$1" in /*) echo "unix:$1|fcgi://$2/" ;; *) echo "fcgi://$1/" ;; esac; }
    exec sed -e "s|@LISTEN_ADDR@|$addr:$port|g" -e "s|@MAX_BODY@|$max_body_bytes|g" -e "s|@STATIC@|$3|g" \
        -e "s#@SOCKET_URL@#$(fcgi_url "$socket" llm-api)#g" \
        -e "s#@PRIORITY_URL@#$(fcgi_url "$priority_socket" llm-api-priority)#g" "$here/../apache/site.conf.in"
fi

# The workers' sockets as an upstream's server: unix:PATH, or IPv4:port.
upstream_of() { case "$1" in /*) echo "unix:$1" ;; *) echo "$1" ;; esac; }
socket=$(upstream_of "$socket")
priority_socket=$(upstream_of "$priority_socket")

# The server block's first lines, one per line, indented as the block.
listen_block() {
    echo "listen $addr:$port;"
    if [ "$tls_port" != 0 ]; then
        # Mozilla's "intermediate" profile (v5.7), its ECDHE suites only:
        # AES-GCM and ChaCha20, no CBC, no static RSA; TLS 1.3 has its own.
        echo "listen $addr:$tls_port ssl http2;"
        echo "ssl_certificate $tls_cert;"
        echo "ssl_certificate_key $tls_key;"
        echo "ssl_protocols TLSv1.2 TLSv1.3;"
        echo "ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;"
        echo "ssl_prefer_server_ciphers off;"
        echo "ssl_session_cache shared:llm_api_tls:10m;"
        echo "ssl_session_timeout 1d;"
        # Ticket keys would live for nginx's lifetime, outside the cache's bound.
        echo "ssl_session_tickets off;"
        # Stapling only for a certificate that names an OCSP responder (a
        # private CA's or the snakeoil one would only log a warning).
        if [ -r "$tls_cert" ] && [ -n "$(openssl x509 -noout -ocsp_uri -in "$tls_cert" 2>/dev/null)" ]; then
            echo "ssl_stapling on;"
            echo "ssl_stapling_verify on;"
        fi
        if [ "$http_redirect" = 1 ]; then
            echo "if (\$llm_plain_remote) {"
            echo "    return 308 https://\$host:$tls_port\$request_uri;"
            echo "}"
        fi
    fi
    if [ -n "$trusted_proxies" ]; then
        for cidr in $(echo "$trusted_proxies" | tr ',' ' '); do echo "set_real_ip_from $cidr;"; done
        echo "real_ip_header X-Forwarded-For;"
        echo "real_ip_recursive on;"
    fi
}

listen_block | awk -v file="$here/site.conf.in" '
    { block = block "    " $0 "\n" }
    END {
        while ((getline line < file) > 0) {
            if (line ~ /^[ \t]*@LISTEN@[ \t]*$/) printf "%s", block; else print line
        }
    }' |
    sed -e "s|@SOCKET@|$socket|g" -e "s|@PRIORITY_SOCKET@|$priority_socket|g" \
        -e "s|@MAX_BODY@|$max_body_bytes|g" \
        -e "s|@LOGIN_RATE@|$login_rate_per_minute|g" -e "s|@LOGIN_BURST@|$login_burst|g" \
        -e "s|@KEEPALIVE@|$4|g" -e "s|@STATIC@|$3|g"

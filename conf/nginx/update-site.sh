#!/bin/sh
# Renders nginx's site for the installed service from its app.ini (and
# secrets.env) into /etc/nginx/sites-available/llm-service-api, and reloads
# a running nginx when the result passes `nginx -t` (the old site is put
# back otherwise). Run as root by the package's postinst and by a reload of
# the service (systemd's ExecReload, /etc/init.d/llm-service-api reload):
# set [server] tls_port, tls_cert and tls_key in app.ini, reload, and nginx
# serves HTTPS. The site is made here, never edited by hand (it is not a
# conffile: it is made again on every reload).
#   update-site.sh [CONFIG]     (default /etc/llm-service-api/app.ini)
set -eu
CONFIG=${1:-/etc/llm-service-api/app.ini}
SHARE=/usr/share/llm-service-api
SITE=/etc/nginx/sites-available/llm-service-api
# Idle kept-alive connections per nginx worker process (each pins a worker
# thread): as the build's NGINX_SITE_KEEPALIVE.
KEEPALIVE=8
[ -d /etc/nginx/sites-available ] || exit 0
tmp=$(mktemp "$SITE.XXXXXX")
trap 'rm -f "$tmp"' EXIT
"$SHARE/nginx/render-site.sh" /usr/sbin/llm-api-fcgi "$CONFIG" "$SHARE" "$KEEPALIVE" >"$tmp"
chmod 0644 "$tmp"
if [ -f "$SITE" ] && cmp -s "$tmp" "$SITE"; then exit 0; fi
[ -f "$SITE" ] && cp -p "$SITE" "$SITE.previous"
mv "$tmp" "$SITE"
command -v nginx >/dev/null 2>&1 || exit 0
if ! nginx -t -q 2>/dev/null; then
    echo "update-site: nginx -t fails with the new site; the previous one is back:" >&2
    nginx -t 2>&1 | sed 's/^/  /' >&2 || true
    [ -f "$SITE.previous" ] && mv "$SITE.previous" "$SITE"
    exit 1
fi
rm -f "$SITE.previous"
if [ -f /run/nginx.pid ] && kill -0 "$(cat /run/nginx.pid)" 2>/dev/null; then
    nginx -s reload
fi

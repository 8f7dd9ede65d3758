#!/usr/bin/env bash
# Fails when an #include in src/ points up the layers or sideways between
# folders of one layer (which is how cycles start). The layers, top down:
#   server, admin   (processes: the daemon's master and workers; the admin tool)
#   api             (the wrapper, the route table, handlers, the composition root)
#   relay           (one chat request: retries, fallbacks, the sink)
#   providers auth usage limits
#   upstream db http metrics
#   config
#   common
# A folder may include its own files and any folder of a lower layer.
# src/main.cpp sits above everything. Prints each offending include.
set -euo pipefail
cd "$(dirname "$0")/../src"

rank() {
    case "$1" in
        common) echo 0 ;;
        config) echo 1 ;;
        upstream|db|http|metrics) echo 2 ;;
        providers|auth|usage|limits) echo 3 ;;
        relay) echo 4 ;;
        api) echo 5 ;;
        server|admin) echo 6 ;;
        *) echo -1 ;;
    esac
}

bad=0
while IFS= read -r file; do
    from=${file%%/*}
    [ "$from" = "$file" ] && continue  # main.cpp: the top
    rf=$(rank "$from")
    if [ "$rf" -lt 0 ]; then echo "$file: folder '$from' has no layer (add it to scripts/check-layers.sh)"; bad=1; continue; fi
    while IFS= read -r to; do
        [ "$to" = "$from" ] && continue
        rt=$(rank "$to")
        if [ "$rt" -lt 0 ] || [ "$rt" -ge "$rf" ]; then
            echo "$file includes $to/: $from (layer $rf) may only include lower layers"
            bad=1
        fi
    done < <(sed -n 's|^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([a-z_]*\)/.*|\1|p' "$file" | sort -u)
done < <(find . -name '*.h' -o -name '*.cpp' -o -name '*.inc' | sed 's|^\./||' | sort)

if [ "$bad" -ne 0 ]; then echo "layer check: FAILED"; exit 1; fi
echo "layer check: ok ($(find . -name '*.h' -o -name '*.cpp' | wc -l) files, no include points up or sideways)"

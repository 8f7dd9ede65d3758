# shellcheck shell=bash
# Helpers bench/run.sh and bench/capacity.sh share; sourced after they set
# BENCH (this folder), BIN (where the stream client goes) and, before
# fake_reset is called, FAKE (the fake provider's URL).
log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
TICK=$(getconf CLK_TCK)

# Other work on the machine skews every figure: how busy were the CPUs in the
# second before we started anything?
cpu_busy_pct() {
    local a b
    a=$(awk '/^cpu /{ print $2 + $3 + $4 + $7 + $8, $5 + $6 }' /proc/stat); sleep 1
    b=$(awk '/^cpu /{ print $2 + $3 + $4 + $7 + $8, $5 + $6 }' /proc/stat)
    awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " "); u = y[1] - x[1]; i = y[2] - x[2];
        printf "%.0f", (u + i > 0 ? 100 * u / (u + i) : 0) }'
}
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
cpu_ticks() {  # utime + stime (clock ticks) of the given pids; comm may hold spaces
    local p
    for p in "$@"; do cat "/proc/$p/stat" 2>/dev/null; done |
        awk '{ s = $0; sub(/^.*\) /, "", s); split(s, f, " "); t += f[12] + f[13] } END { print t + 0 }'
}
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k * 1024 / 1e6 }'; }
fake_reset() { curl -s -o /dev/null -X DELETE "$FAKE/_control/requests"; curl -s -o /dev/null -X DELETE "$FAKE/_control/script"; }

# bench/NAME.cpp (stream_client, sampler), compiled into $BIN/NAME (with - for _)
# when missing or older than its source.
build_tool() {
    local name=$1 bin="$BIN/${1//_/-}"
    if [ ! -x "$bin" ] || [ "$BENCH/$name.cpp" -nt "$bin" ]; then
        log "compiling bench/$name.cpp"
        # shellcheck disable=SC2046  # pkg-config's flags are split on purpose
        g++ -O2 -std=c++17 -Wall -Wextra -pthread "$BENCH/$name.cpp" $(pkg-config --cflags --libs libcurl) \
            -o "$bin" || die "could not build bench/$name.cpp"
    fi
}
build_stream_client() { build_tool stream_client; }

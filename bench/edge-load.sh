#!/usr/bin/env bash
# 200 concurrent keep-alive connections running `SELECT 1` over HTTPS through chplane's edge for 60 s
# (wrk; it does not verify certificates), as user default. Reports requests/s, p99 latency, wrk's
# socket errors and non-2xx answers, what ClickHouse refused (answers by HTTP status and ClickHouse
# error code, counted by bench/edge-load.lua), and chplane's open file descriptors before and after.
#
#   bench/edge-load.sh         # WRK_THREADS=2 WRK_CONNECTIONS=200 WRK_DURATION=60s
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-200}
WRK_DURATION=${WRK_DURATION:-60s}
need wrk wrk
WRK_PID="" sampler=""
bench_cleanup_first() {
  [ -z "$WRK_PID" ] || stop_pid "$WRK_PID" 5
  [ -z "$sampler" ] || { kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null; }
}

bench_init
start_chplane
create_service bench-load
DIRECT=$(internal_port "$SID" https_port)
URL="https://127.0.0.1:$HTTPS_PORT/?query=SELECT%201"
AUTH="Authorization: Basic $(printf %s "default:$PASSWORD" | base64 -w0)"
[ "$(curl -s -k -H "$AUTH" "$URL")" = 1 ] || die "SELECT 1 through the edge failed"
fds() { ls "/proc/$CHPLANE_PID/fd" | wc -l; }
events() { q "$DIRECT" "$PASSWORD" "SELECT event, value FROM system.events WHERE event IN ('Query', 'FailedQuery', 'FailedSelectQuery') ORDER BY event FORMAT TSV" | tr '\t\n' '= ' ; }
errlog="$DATA_DIR/services/$SID/log/server.err.log"
errlines() { grep -c 'Code: 202' "$errlog" 2>/dev/null || true; }

# warm-up (JIT, the server's thread pools), then let connections close
wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d3s --timeout 10s -H "$AUTH" "$URL" >/dev/null 2>&1 || true
sleep 5
fd0=$(fds) ev0=$(events) err0=$(errlines)
log "before: chplane (pid $CHPLANE_PID) fds $fd0; server events: $ev0; 'Code: 202' lines in server.err.log $err0"
log "wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$WRK_DURATION --timeout 10s --latency -s edge-load.lua -H 'Authorization: Basic …' $URL"
out="$WORK/wrk.txt"
peak=0
( while sleep 1; do ls "/proc/$CHPLANE_PID/fd" 2>/dev/null | wc -l; done >"$WORK/fds.txt" ) &
sampler=$!
# wrk runs in the background and the script waits for it, so that an INT/TERM sent to the script
# alone runs the cleanup at once (bash defers traps until a foreground child exits)
wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$WRK_DURATION" --timeout 10s --latency \
    -s "$(dirname "${BASH_SOURCE[0]}")/edge-load.lua" -H "$AUTH" "$URL" >"$out" 2>&1 </dev/null &
WRK_PID=$!
wait "$WRK_PID" || { cat "$out" >&2; die "wrk failed"; }
WRK_PID=""
kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
sampler=""
cat "$out" >&2
peak=$(sort -n "$WORK/fds.txt" | tail -1)
fd_end=$(fds)
# the fds return to the baseline once wrk's connections are closed (give it up to 15 s)
for _ in $(seq 1 30); do fd1=$(fds); [ "$fd1" -gt "$fd0" ] || break; sleep 0.5; done
ev1=$(events) err1=$(errlines)
log "after: chplane fds $fd_end right after wrk, $fd1 after settling (peak $peak during the run); server events: $ev1; 'Code: 202' lines $err1"

rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
p99=$(awk '$1 == "99%" { v = $2; u = v; sub(/[a-z]+$/, "", v); sub(/^[0-9.]+/, "", u)
  f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : -1; printf "%.2f", v * f }' "$out")
p50=$(awk '$1 == "50%" { v = $2; u = v; sub(/[a-z]+$/, "", v); sub(/^[0-9.]+/, "", u)
  f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : -1; printf "%.2f", v * f }' "$out")
total=$(awk '/requests in/ { print $1 }' "$out")
sockerr=$(awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' "$out"); sockerr=${sockerr:-0}
sockdetail=$(grep 'Socket errors:' "$out" | sed 's/^ *Socket errors: *//' || echo "none")
non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $5 }' "$out"); non2xx=${non2xx:-0}
statuses=$(awk '$1 == "status" { printf "%s%s=%s", sep, $2, $3; sep = " " }' "$out")
chcodes=$(awk '$1 == "chcode" { printf "%s%s=%s", sep, $2, $3; sep = " " }' "$out")
[ -n "$rps" ] && [ -n "$p99" ] || die "could not parse wrk's output"
echo "edge_load_rps: $rps req/s ($WRK_CONNECTIONS connections, $WRK_DURATION, $total requests)"
echo "edge_load_latency_p50: $p50 ms"
echo "edge_load_latency_p99: $p99 ms"
echo "edge_load_socket_errors: $sockerr (${sockdetail:-none})"
echo "edge_load_non2xx: $non2xx (HTTP statuses: ${statuses:-none})"
echo "edge_load_clickhouse_refused: ${chcodes:-none} (ClickHouse error codes of the non-2xx answers; 202 = too many simultaneous queries; server.err.log 'Code: 202' lines +$((err1 - err0)))"
echo "chplane_fds: $fd1 after, $fd0 before, peak $peak ($(awk -v a="$fd1" -v b="$fd0" 'BEGIN { printf "%.2fx", a / b }'))"

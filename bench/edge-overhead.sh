#!/usr/bin/env bash
# What chplane's edge costs a client, against connecting to the server's internal HTTPS port
# directly (same server, same query, same client, in the same run):
#  (a) throughput of a large SELECT streamed over HTTPS (median of ROUNDS runs each, interleaved);
#  (b) latency of `SELECT 1` on a fresh connection (a new curl each time, TLS handshake included),
#      median and p90 of SAMPLES each, interleaved.
#
#  (c) a slow client (50 MB/s) downloading, (d) a large INSERT uploaded, once each side.
#
#   bench/edge-overhead.sh        # ROUNDS=5 SAMPLES=50 ROWS=20000000
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS=${ROUNDS:-5}
SAMPLES=${SAMPLES:-50}
ROWS=${ROWS:-20000000}
BIG="SELECT%20number,%20toString(number)%20FROM%20numbers($ROWS)%20FORMAT%20TSV"

bench_init
start_chplane
create_service bench-edge
DIRECT=$(internal_port "$SID" https_port)
[ -n "$DIRECT" ] || die "no <https_port> in $DATA_DIR/services/$SID/config.xml"
log "edge port $HTTPS_PORT -> internal https port $DIRECT"

# fetch PORT QUERY: one curl; prints "bytes seconds http_code"
fetch() {
  curl -s --max-time 120 --speed-limit 1000000 --speed-time 5 --cacert "$CA" --resolve "localhost:$1:127.0.0.1" -u "default:$PASSWORD" \
    -o /dev/null -w '%{size_download} %{time_total} %{http_code}\n' "https://localhost:$1/?query=$2" || true
}

# chplane's CPU time (user + system) in seconds, and its open file descriptors
cpu_s() { awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$CHPLANE_PID/stat"; }
fds() { ls "/proc/$CHPLANE_PID/fd" | wc -l; }

for port in "$HTTPS_PORT" "$DIRECT"; do
  [ "$(q "$port" "$PASSWORD" 'SELECT 1')" = 1 ] || die "SELECT 1 on port $port failed"
done

# (b) fresh-connection latency of SELECT 1
log "(b) SELECT 1 on a fresh connection, $SAMPLES samples each, interleaved"
for i in 1 2 3 4 5; do fetch "$HTTPS_PORT" 'SELECT%201' >/dev/null; fetch "$DIRECT" 'SELECT%201' >/dev/null; done
edge_ms=() direct_ms=()
for i in $(seq 1 "$SAMPLES"); do
  for port in "$HTTPS_PORT" "$DIRECT"; do
    read -r _ secs code < <(fetch "$port" 'SELECT%201')
    [ "$code" = 200 ] || die "SELECT 1 on port $port answered HTTP $code"
    ms=$(awk -v s="$secs" 'BEGIN { printf "%.3f", s * 1000 }')
    if [ "$port" = "$HTTPS_PORT" ]; then edge_ms+=("$ms"); else direct_ms+=("$ms"); fi
  done
done
log "edge ms:   $(printf '%s\n' "${edge_ms[@]}" | sort -g | tr '\n' ' ')"
log "direct ms: $(printf '%s\n' "${direct_ms[@]}" | sort -g | tr '\n' ' ')"


# (a) throughput, after (b): a stalled edge transfer can leave the edge busy (see bench/README.md).
# A transfer below 1 MB/s for 5 s is aborted (curl --speed-limit) and counted as stalled; the
# medians are over the complete transfers (all bytes of the direct answer).
log "(a) streaming $ROWS rows as TSV, $ROUNDS rounds, interleaved (one unmeasured direct run first)"
read -r size _ code < <(fetch "$DIRECT" "$BIG")
[ "$code" = 200 ] && [ "${size:-0}" -gt 0 ] || die "large SELECT on the internal port answered HTTP $code"
fds0=$(fds) cpu0=$(cpu_s)
edge_mbs=() direct_mbs=() stalled=0
for i in $(seq 1 "$ROUNDS"); do
  if [ $((i % 2)) -eq 1 ]; then order="$HTTPS_PORT $DIRECT"; else order="$DIRECT $HTTPS_PORT"; fi
  for port in $order; do
    side=direct; [ "$port" = "$HTTPS_PORT" ] && side=edge
    c0=$(cpu_s)
    read -r bytes secs code < <(fetch "$port" "$BIG")
    c1=$(cpu_s)
    if [ "$bytes" != "$size" ]; then
      [ "$side" = edge ] || die "direct transfer incomplete: $bytes of $size bytes (HTTP $code)"
      stalled=$((stalled + 1))
      log "  round $i edge: STALLED after $bytes of $size bytes ($secs s, HTTP $code); chplane fds $(fds), chplane CPU $(sub "$c1" "$c0") s during it"
      continue
    fi
    mbs=$(awk -v b="$bytes" -v s="$secs" 'BEGIN { printf "%.1f", b / s / 1e6 }')
    if [ "$side" = edge ]; then edge_mbs+=("$mbs"); else direct_mbs+=("$mbs"); fi
    log "  round $i $side: $bytes bytes in $secs s = $mbs MB/s; chplane CPU $(sub "$c1" "$c0") s"
  done
done
log "edge MB/s:   ${edge_mbs[*]:-none complete}"
log "direct MB/s: ${direct_mbs[*]}"
sleep 2
fds1=$(fds) cpu1=$(cpu_s); sleep 5; cpu2=$(cpu_s)
log "chplane fds before (a) $fds0, after $fds1; chplane CPU while idle after (a): $(sub "$cpu2" "$cpu1") s in 5 s"

# (c) a slow client: the same kind of SELECT (5,000,000 rows, ~78 MB) read at 50 MB/s (curl
# --limit-rate), so the client's socket buffer fills and the edge must wait for the client to drain
# it. One transfer each side; logs chplane's CPU time during each.
SLOW="SELECT%20number,%20toString(number)%20FROM%20numbers(5000000)%20FORMAT%20TSV"
log "(c) slow client: 5000000 rows at --limit-rate 50M"
slow_line=""
for port in "$DIRECT" "$HTTPS_PORT"; do
  side=direct; [ "$port" = "$HTTPS_PORT" ] && side=edge
  c0=$(cpu_s)
  read -r bytes secs code < <(curl -s --max-time 60 --limit-rate 50M --speed-limit 1000000 --speed-time 5 \
    --cacert "$CA" --resolve "localhost:$port:127.0.0.1" -u "default:$PASSWORD" -o /dev/null \
    -w '%{size_download} %{time_total} %{http_code}\n' "https://localhost:$port/?query=$SLOW" || true)
  c1=$(cpu_s)
  log "  $side: $bytes bytes in $secs s (HTTP $code); chplane CPU $(sub "$c1" "$c0") s during it"
  if [ "$side" = direct ]; then slow_size=$bytes; slow_direct=$secs
  elif [ "$bytes" = "$slow_size" ]; then
    slow_line="edge_slow_client_transfer: complete, $bytes bytes in $secs s ($(awk -v a="$secs" -v b="$slow_direct" 'BEGIN { printf "%.2fx", a / b }'); chplane CPU $(sub "$c1" "$c0") s)"
  else
    slow_line="edge_slow_client_transfer: STALLED after $bytes of $slow_size bytes, aborted after $secs s (direct: complete in $slow_direct s; chplane CPU $(sub "$c1" "$c0") s during it)"
  fi
done

# (d) a large upload: INSERT of the same 10,000,000-row TSV (~158 MB, made once by a direct SELECT)
# into a Null table, direct then through the edge, with chplane's CPU time during each.
log "(d) INSERT of 10000000 TSV rows into a Null table"
q "$DIRECT" "$PASSWORD" "CREATE TABLE bench_null (a UInt64, b String) ENGINE = Null"
q "$DIRECT" "$PASSWORD" "SELECT number, toString(number) FROM numbers(10000000) FORMAT TSV" >"$WORK/upload.tsv"
up_line=""
for port in "$DIRECT" "$HTTPS_PORT"; do
  side=direct; [ "$port" = "$HTTPS_PORT" ] && side=edge
  c0=$(cpu_s)
  read -r bytes secs code < <(curl -s --max-time 60 --speed-limit 1000000 --speed-time 5 \
    --cacert "$CA" --resolve "localhost:$port:127.0.0.1" -u "default:$PASSWORD" -o /dev/null \
    -w '%{size_upload} %{time_total} %{http_code}\n' --data-binary @"$WORK/upload.tsv" \
    "https://localhost:$port/?query=INSERT%20INTO%20bench_null%20FORMAT%20TSV" || true)
  c1=$(cpu_s)
  log "  $side: uploaded $bytes bytes in $secs s (HTTP $code); chplane CPU $(sub "$c1" "$c0") s during it"
  if [ "$side" = direct ]; then
    [ "$code" = 200 ] || die "direct INSERT answered HTTP $code"
    up_size=$bytes up_direct=$secs
  elif [ "$code" = 200 ]; then
    up_line="edge_large_insert: complete, $bytes bytes in $secs s ($(awk -v a="$secs" -v b="$up_direct" 'BEGIN { printf "%.2fx", a / b }'); chplane CPU $(sub "$c1" "$c0") s)"
  else
    up_line="edge_large_insert: STALLED after $bytes of $up_size bytes uploaded, aborted after $secs s, HTTP $code (direct: complete in $up_direct s; chplane CPU $(sub "$c1" "$c0") s during it)"
  fi
done
rm -f "$WORK/upload.tsv"

dm=$(median "${direct_mbs[@]}")
em=""; [ "${#edge_mbs[@]}" -eq 0 ] || em=$(median "${edge_mbs[@]}")
el=$(median "${edge_ms[@]}") dl=$(median "${direct_ms[@]}")
e90=$(pctl 90 "${edge_ms[@]}") d90=$(pctl 90 "${direct_ms[@]}")
if [ -n "$em" ]; then
  awk -v em="$em" -v dm="$dm" -v n="${#edge_mbs[@]}" -v r="$ROUNDS" 'BEGIN {
    printf "edge_select_throughput_median: %.1f MB/s (%.2fx, goal >= 0.90x; %d of %d transfers complete)\n", em, em / dm, n, r }'
else
  echo "edge_select_throughput_median: none (0.00x, goal >= 0.90x; 0 of $ROUNDS transfers complete, all stalled)"
fi
awk -v dm="$dm" -v el="$el" -v dl="$dl" -v e90="$e90" -v d90="$d90" -v size="$size" -v st="$stalled" -v r="$ROUNDS" \
    -v f0="$fds0" -v f1="$fds1" -v c1="$cpu1" -v c2="$cpu2" 'BEGIN {
  printf "direct_select_throughput_median: %.1f MB/s (1.00x)\n", dm
  printf "edge_select_transfers_stalled: %d of %d\n", st, r
  printf "select_response_size: %d bytes\n", size
  printf "edge_fresh_select1_latency_median: %.2f ms (%.2fx)\n", el, el / dl
  printf "direct_fresh_select1_latency_median: %.2f ms (1.00x)\n", dl
  printf "edge_fresh_select1_latency_p90: %.2f ms (%.2fx)\n", e90, e90 / d90
  printf "direct_fresh_select1_latency_p90: %.2f ms (1.00x)\n", d90
  printf "edge_added_latency_median: %.2f ms (goal <= 2 ms)\n", el - dl
  printf "edge_added_latency_p90: %.2f ms\n", e90 - d90
  printf "chplane_fds_after_throughput_runs: %d (before %d)\n", f1, f0
  printf "chplane_cpu_idle_after_throughput_runs: %.2f s per 5 s\n", c2 - c1
}'
echo "$slow_line"
echo "$up_line"

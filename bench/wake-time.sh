#!/usr/bin/env bash
# Wake time of an idle service: chplane runs with --idle-minute-seconds 0.2, the service has
# idleScaling with idleTimeoutMinutes 5 (1 s here). Once GET shows `idle`, one client `SELECT 1`
# over the HTTPS endpoint (through the edge, which wakes the service and holds the connection) is
# timed from its start to the result, (1) right when GET shows `idle` and (2) once the stopped
# server process is gone (+0.5 s). ROUNDS rounds (default 5), waiting for `idle` before each wake.
# Baseline in the same run: the same clickhouse-server started by hand from a copy of the service's
# config.xml/users.xml (fresh directory and ports, as bench/create-to-first-query.sh does), timed
# from the start to the first successful SELECT 1 (poll every POLL_INTERVAL s), one per round.
#
#   bench/wake-time.sh       # ROUNDS=5 POLL_INTERVAL=0.01
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS=${ROUNDS:-5}
POLL_INTERVAL=${POLL_INTERVAL:-0.01}
CH_SERVER="$(command -v clickhouse-server || true)"
[ -n "$CH_SERVER" ] || CH_SERVER=/usr/sbin/clickhouse-server
[ -x "$CH_SERVER" ] || die "clickhouse-server is missing"

bench_init
start_chplane --idle-minute-seconds 0.2
create_service bench-wake '"idleScaling":true,"idleTimeoutMinutes":5'
TEMPLATE_DIR="$DATA_DIR/services/$SID"
mkdir -p "$WORK/template"
cp "$TEMPLATE_DIR/config.xml" "$TEMPLATE_DIR/users.xml" "$WORK/template/"

select1() {   # select1 PORT TIMEOUT: prints the answer
  curl -s --max-time "$2" --cacert "$CA" --resolve "localhost:$1:127.0.0.1" \
    -u "default:$PASSWORD" "https://localhost:$1/?query=SELECT%201" 2>/dev/null || true
}

wait_idle() {
  local state deadline=$((SECONDS + 60)) t0
  t0=$(now)
  while state=$(service_state "$SID"); [ "$state" != idle ]; do
    [ "$SECONDS" -lt "$deadline" ] || die "service not idle after 60 s (state $state)"
    sleep 0.1
  done
  log "  idle after $(sub "$(now)" "$t0") s of waiting"
}

# run_bare N: the same server started by hand (launch_bare); sets ELAPSED (start -> first SELECT 1)
run_bare() {
  local deadline=$((SECONDS + 60))
  launch_bare "$1"
  until [ "$(select1 "$BARE_HTTPS" 2)" = 1 ]; do
    [ "$SECONDS" -lt "$deadline" ] || die "bare clickhouse-server did not answer SELECT 1 within 60 s"
    sleep "$POLL_INTERVAL"
  done
  ELAPSED=$(sub "$(now)" "$BARE_T0")
  log "  bare clickhouse-server start -> first SELECT 1: $ELAPSED s"
  stop_pid "$BARE_PID" 30
  BARE_PIDS=()
  rm -rf "$BARE_DIR"
}

# server_gone: true when no clickhouse-server of the service is running any more
server_gone() {
  local proc
  for proc in /proc/[0-9]*; do
    [[ "$( { tr '\0' ' ' <"$proc/cmdline"; } 2>/dev/null)" == *clickhouse-server*"--config-file=$TEMPLATE_DIR/"* ]] && return 1
  done
  return 0
}

# wake_once: times one SELECT 1 through the edge of the idle service; sets ELAPSED
wake_once() {
  local t0 t1 out
  t0=$(now)
  out=$(select1 "$HTTPS_PORT" 60)
  t1=$(now)
  [ "$out" = 1 ] || die "SELECT 1 through the edge of the idle service answered '$out' (state $(service_state "$SID"))"
  ELAPSED=$(sub "$t1" "$t0")
}

# Two wakes per round: (1) as soon as GET shows idle (GET shows stopping until the server has exited,
# so the server is normally gone already), (2) after the server process is gone plus 0.5 s (an idle
# service that has stayed idle for a while, as after a real idle period).
wakes=() settled=() colds=()
for i in $(seq 1 "$ROUNDS"); do
  log "round $i of $ROUNDS"
  wait_idle
  server_gone && gone=yes || gone=no
  wake_once; wakes+=("$ELAPSED")
  log "  wake right after idle (server already gone: $gone): $ELAPSED s; state now $(service_state "$SID")"
  wait_idle
  deadline=$((SECONDS + 30))
  until server_gone; do [ "$SECONDS" -lt "$deadline" ] || die "server still running 30 s after idle"; sleep 0.05; done
  sleep 0.5
  wake_once; settled+=("$ELAPSED")
  log "  wake of a settled idle service: $ELAPSED s; state now $(service_state "$SID")"
  run_bare "$i"; colds+=("$ELAPSED")
done
log "wake right after idle (s): ${wakes[*]}"
log "wake settled (s): ${settled[*]}"
log "cold (s): ${colds[*]}"
wm=$(median "${wakes[@]}") sm=$(median "${settled[@]}") cm=$(median "${colds[@]}")
awk -v w="$wm" -v s="$sm" -v c="$cm" -v wmax="$(pctl 100 "${wakes[@]}")" -v smax="$(pctl 100 "${settled[@]}")" 'BEGIN {
  printf "wake_to_first_result_median: %.3f s (%.2fx cold start)\n", w, w / c
  printf "wake_settled_to_first_result_median: %.3f s (%.2fx cold start)\n", s, s / c
  printf "cold_start_to_first_result_median: %.3f s (1.00x)\n", c
  printf "wake_added_median: %.3f s (settled: %.3f s)\n", w - c, s - c
  printf "wake_to_first_result_max: %.3f s (settled: %.3f s)\n", wmax, smax
}'

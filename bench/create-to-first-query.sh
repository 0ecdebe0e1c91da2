#!/usr/bin/env bash
# Time from POST .../services to the first successful `SELECT 1` on the new service's HTTPS
# endpoint, against starting the same clickhouse-server by hand with the same configuration and
# polling it the same way. One unmeasured warm-up round, then ROUNDS measured rounds (default 5),
# alternating which of the two goes first. Results on stdout, progress on stderr.
#
#   bench/create-to-first-query.sh            # ROUNDS=5 POLL_INTERVAL=0.01 (seconds)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS=${ROUNDS:-5}
POLL_INTERVAL=${POLL_INTERVAL:-0.01}
FIRST_QUERY_TIMEOUT=60   # seconds; a server that takes longer fails the run
SPEC='{"name":"%s","provider":"aws","region":"eu-west-1","ipAccessList":[{"source":"127.0.0.1","description":"bench"}]}'

CH_SERVER="$(command -v clickhouse-server || true)"
[ -n "$CH_SERVER" ] || CH_SERVER=/usr/sbin/clickhouse-server
[ -x "$CH_SERVER" ] || die "clickhouse-server is missing: install it with 'apt-get install -y clickhouse-server clickhouse-client' (as root)"

bench_init
start_chplane

# wait_select1 PORT PASSWORD: the poll loop used for both sides. Runs `SELECT 1` over HTTPS as user
# default (host name localhost pinned to 127.0.0.1, certificate checked against chplane's CA)
# every POLL_INTERVAL seconds until the answer is 1. Sets POLLS to the number of failed attempts.
wait_select1() {
  local port=$1 password=$2 deadline=$((SECONDS + FIRST_QUERY_TIMEOUT))
  POLLS=0
  until [ "$(curl -s --max-time 2 --cacert "$CA" --resolve "localhost:$port:127.0.0.1" \
      -u "default:$password" "https://localhost:$port/?query=SELECT%201" 2>/dev/null)" = 1 ]; do
    POLLS=$((POLLS + 1))
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep "$POLL_INTERVAL"
  done
}

# run_chplane NAME: creates a service, polls it, then stops and deletes it; sets ELAPSED. The first
# service's files are kept as the template of the bare servers.
run_chplane() {
  local body resp id port password t0 t1
  body=$(printf "$SPEC" "$1")
  t0=$(now)
  resp=$(curl -sS --max-time 30 -u "$KEY:$SECRET" -X POST -H 'Content-Type: application/json' -d "$body" "$API/services")
  read -r id port password < <(jq -r '.result | [.service.id, (.service.endpoints[] | select(.protocol == "https") | .port), .password] | @tsv' <<<"$resp" 2>/dev/null) || true
  [ -n "${password:-}" ] || die "create failed: $resp"
  SERVICE_IDS+=("$id")
  wait_select1 "$port" "$password" || die "service $id did not answer SELECT 1 within $FIRST_QUERY_TIMEOUT s (state $(service_state "$id"))"
  t1=$(now)
  ELAPSED=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  if [ -z "$TEMPLATE_DIR" ]; then
    TEMPLATE_DIR="$DATA_DIR/services/$id" TEMPLATE_PASSWORD=$password
    mkdir -p "$WORK/template"
    cp "$TEMPLATE_DIR/config.xml" "$TEMPLATE_DIR/users.xml" "$WORK/template/"
  fi
  log "chplane create -> first SELECT 1: $ELAPSED s ($POLLS failed polls), service $id"
  delete_service "$id" || die "could not stop and delete service $id"
}

# run_bare N: starts clickhouse-server by hand from the template configuration; sets ELAPSED.
run_bare() {
  local t1
  launch_bare "$1"
  wait_select1 "$BARE_HTTPS" "$TEMPLATE_PASSWORD" || { tail -3 "$BARE_DIR/log/server.err.log" >&2 || true; die "bare clickhouse-server did not answer SELECT 1"; }
  t1=$(now)
  ELAPSED=$(awk -v a="$BARE_T0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  log "bare clickhouse-server start -> first SELECT 1: $ELAPSED s ($POLLS failed polls), pid $BARE_PID, port $BARE_HTTPS"
  stop_pid "$BARE_PID" 30
  BARE_PIDS=()
  rm -rf "$BARE_DIR"
}

# Warm-up round, not part of the medians: the first create after chplane started runs on a cold
# JVM and is reported on its own line. Its service's config.xml and users.xml become the template
# of the bare servers (same certificate, same users and password, same settings).
log "warm-up round (not part of the medians)"
TEMPLATE_DIR=""
run_chplane bench-warmup
cold=$ELAPSED
run_bare warmup

chplane_times=() bare_times=() diffs=()
for i in $(seq 1 "$ROUNDS"); do
  log "round $i of $ROUNDS"
  if [ $((i % 2)) -eq 1 ]; then
    run_chplane "bench-$i"; c=$ELAPSED
    run_bare "$i"; b=$ELAPSED
  else
    run_bare "$i"; b=$ELAPSED
    run_chplane "bench-$i"; c=$ELAPSED
  fi
  chplane_times+=("$c") bare_times+=("$b")
  diffs+=("$(awk -v a="$c" -v b="$b" 'BEGIN { printf "%.3f", a - b }')")
done

log "chplane runs (s): ${chplane_times[*]}"
log "bare runs (s):    ${bare_times[*]}"
log "per-round overhead (s): ${diffs[*]}"
cm=$(median "${chplane_times[@]}")
dm=$(median "${diffs[@]}")
bm=$(median "${bare_times[@]}")
awk -v c="$cm" -v b="$bm" -v d="$dm" -v f="$cold" 'BEGIN {
  printf "create_to_first_query_median: %.3f s (%.2fx)\n", c, c / b
  printf "bare_start_to_first_query_median: %.3f s (1.00x)\n", b
  printf "create_overhead_median: %.3f s (goal <= 0.30 s)\n", c - b
  printf "create_overhead_paired_median: %.3f s (goal <= 0.30 s)\n", d
  printf "first_create_after_chplane_start: %.3f s (%.2fx)\n", f, f / b
}'

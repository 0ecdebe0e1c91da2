#!/usr/bin/env bash
# Throughput and p99 latency of GET /v1/organizations/{org}/services/{id} (HTTP Basic auth) with
# wrk, against chplane's static JSON route GET /health (no auth) on the same server, with the same
# wrk settings, in the same run. Each route gets a short warm-up run, then a measured run.
# Results on stdout, progress on stderr.
#
#   bench/get-service-throughput.sh     # WRK_THREADS=2 WRK_CONNECTIONS=8 WRK_DURATION=10s WRK_WARMUP=3s
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-8}
WRK_DURATION=${WRK_DURATION:-10s}
WRK_WARMUP=${WRK_WARMUP:-3s}

if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing wrk (apt-get install -y wrk)"
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; } >&2
  else
    die "wrk is missing: run 'sudo apt-get install -y wrk' (Debian/Ubuntu package wrk)"
  fi
fi

bench_init
start_chplane

log "creating one service to read"
resp=$(api POST /services '{"name":"bench-get","provider":"aws","region":"eu-west-1","ipAccessList":[{"source":"127.0.0.1","description":"bench"}]}')
id=$(jq -r '.result.service.id // empty' <<<"$resp")
[ -n "$id" ] || die "create failed: $resp"
SERVICE_IDS+=("$id")
deadline=$((SECONDS + 60))
until [ "$(service_state "$id")" = running ]; do
  [ "$SECONDS" -lt "$deadline" ] || die "service $id is not running after 60 s"
  sleep 0.1
done
GET_URL="$API/services/$id"
AUTH="Authorization: Basic $(printf %s "$KEY:$SECRET" | base64 -w0)"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "$AUTH" "$GET_URL")" = 200 ] || die "GET $GET_URL does not answer 200"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$HEALTH")" = 200 ] || die "GET $HEALTH does not answer 200"
log "GET $GET_URL answers $(curl -s -H "$AUTH" "$GET_URL" | wc -c) bytes; GET /health answers $(curl -s "$HEALTH" | wc -c) bytes"

# run_wrk OUT DURATION URL [HEADER]: one wrk run; fails on socket errors or non-2xx answers.
run_wrk() {
  local out=$1 duration=$2 url=$3
  shift 3
  local args=(-t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$duration" --timeout 10s --latency)
  [ $# -eq 0 ] || args+=(-H "$1")
  wrk "${args[@]}" "$url" >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed"; }
  if grep -qE 'Non-2xx or 3xx responses|Socket errors' "$out"; then
    cat "$out" >&2
    die "wrk saw errors against $url"
  fi
}

rps() { awk '/^Requests\/sec:/ { print $2 }' "$1"; }
# 99th percentile from wrk's --latency table, in ms (wrk prints us, ms or s)
p99_ms() {
  awk '$1 == "99%" { v = $2; u = v; sub(/[a-z]+$/, "", v); sub(/^[0-9.]+/, "", u)
    f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : -1
    if (f < 0) { print "unknown unit " u > "/dev/stderr"; exit 1 }
    printf "%.2f\n", v * f }' "$1"
}

log "warm-up: $WRK_WARMUP on each route"
run_wrk "$WORK/warm-static.txt" "$WRK_WARMUP" "$HEALTH"
run_wrk "$WORK/warm-get.txt" "$WRK_WARMUP" "$GET_URL" "$AUTH"

log "measuring GET /health: wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$WRK_DURATION --latency"
run_wrk "$WORK/static.txt" "$WRK_DURATION" "$HEALTH"
log "measuring GET .../services/{id}: wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$WRK_DURATION --latency (Basic auth)"
run_wrk "$WORK/get.txt" "$WRK_DURATION" "$GET_URL" "$AUTH"
sed 's/^/  static: /' "$WORK/static.txt" >&2
sed 's/^/  get:    /' "$WORK/get.txt" >&2

s_rps=$(rps "$WORK/static.txt") g_rps=$(rps "$WORK/get.txt")
s_p99=$(p99_ms "$WORK/static.txt") g_p99=$(p99_ms "$WORK/get.txt")
[ -n "$s_rps" ] && [ -n "$g_rps" ] && [ -n "$s_p99" ] && [ -n "$g_p99" ] || die "could not parse wrk's output"
awk -v g="$g_rps" -v s="$s_rps" -v gp="$g_p99" -v sp="$s_p99" 'BEGIN {
  printf "get_service_rps: %.0f req/s (%.2fx)\n", g, g / s
  printf "static_route_rps: %.0f req/s (1.00x)\n", s
  printf "get_service_p99: %.2f ms\n", gp
  printf "static_route_p99: %.2f ms\n", sp
}'

#!/usr/bin/env bash
# Replicas: two services on one chplane, `one` with numReplicas 1 (the baseline) and `three` with
# numReplicas 3, both with idleScaling off. Measured (dev.chplane.bench.ReplicasBench for the
# client side):
#   - replication lag: INSERTS (1,000) one-row inserts on one replica's internal HTTPS port, each
#     timed from its acknowledgement until every replica returns the row (keep-alive connections,
#     one per replica); baseline: the same on `one` (acknowledgement -> visible on its only server).
#   - SELECT throughput through the edge: SELECT_THREADS clients, a new connection per statement
#     (so connections spread over the replicas), SELECT_SECONDS per side, alternating one, three,
#     one, three; ratio three / one (one physical core here: reported, not required).
#   - RSS (VmRSS from /proc) of each idle replica of `three` after IDLE_SETTLE s without queries,
#     against the server of `one`; the ZooKeeper node's RSS is logged.
#   - kill -9 of a replica of `three` -> GET shows `degraded` -> back to `running`, KILL_ROUNDS
#     rounds; baseline: kill -9 of `one`'s server -> `running` again.
#
#   bench/replicas.sh   # INSERTS=1000 SELECT_THREADS=4 SELECT_SECONDS=10 KILL_ROUNDS=3 IDLE_SETTLE=5
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

INSERTS=${INSERTS:-1000}
SELECT_THREADS=${SELECT_THREADS:-4}
SELECT_SECONDS=${SELECT_SECONDS:-10}
SELECT_SQL=${SELECT_SQL:-SELECT sum(number) FROM numbers(1000000)}
KILL_ROUNDS=${KILL_ROUNDS:-3}
IDLE_SETTLE=${IDLE_SETTLE:-5}
need java openjdk-17-jdk-headless
need mvn maven

bench_init
test_classpath dev.chplane.bench.ReplicasBench
start_chplane
bench() { java -cp "$TEST_CP" dev.chplane.bench.ReplicasBench "$@"; }

create_service bench-one '"numReplicas":1,"idleScaling":false'
ONE=$SID ONE_HTTPS=$HTTPS_PORT ONE_PASSWORD=$PASSWORD
create_service bench-three '"numReplicas":3,"idleScaling":false'
THREE=$SID THREE_HTTPS=$HTTPS_PORT THREE_PASSWORD=$PASSWORD

# server_pids ID: the running clickhouse-server processes of a service, one a line
server_pids() {
  local proc
  for proc in /proc/[0-9]*; do
    [[ "$( { tr '\0' ' ' <"$proc/cmdline"; } 2>/dev/null)" == *clickhouse-server*"--config-file=$DATA_DIR/services/$1"* ]] \
      && [ "$(awk '{print $3}' "$proc/stat" 2>/dev/null)" != Z ] && echo "${proc#/proc/}"
  done
  return 0
}
# https_ports ID: the internal HTTPS port of each running replica (from the config.xml its command
# line names), one a line
https_ports() {
  local pid config
  for pid in $(server_pids "$1"); do
    config=$(tr '\0' '\n' <"/proc/$pid/cmdline" | sed -n 's/^--config-file=//p')
    sed -n 's#.*<https_port>\([0-9]*\)</https_port>.*#\1#p' "$config" | head -1
  done
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# --- replication lag ---------------------------------------------------------------------------
mapfile -t three_ports < <(https_ports "$THREE")
[ "${#three_ports[@]}" -eq 3 ] || die "expected 3 replicas of $THREE, found ports: ${three_ports[*]}"
mapfile -t one_ports < <(https_ports "$ONE")
log "replication lag: $INSERTS inserts on 1 replica (baseline, port ${one_ports[*]})"
read -r _ one_p50 one_p99 one_max one_ack < <(bench lag "$CA" "$ONE_PASSWORD" "$INSERTS" "${one_ports[@]}")
log "replication lag: $INSERTS inserts on 3 replicas (ports ${three_ports[*]})"
read -r _ lag_p50 lag_p99 lag_max lag_ack < <(bench lag "$CA" "$THREE_PASSWORD" "$INSERTS" "${three_ports[@]}")

# --- idle RSS ----------------------------------------------------------------------------------
log "idle RSS: ${IDLE_SETTLE} s without queries"
sleep "$IDLE_SETTLE"
rss=()
for pid in $(server_pids "$THREE"); do rss+=("$(rss_kb "$pid")"); done
one_rss=$(rss_kb "$(server_pids "$ONE" | head -1)")
zk_rss=""
for proc in /proc/[0-9]*; do
  cmd="$( { tr '\0' ' ' <"$proc/cmdline"; } 2>/dev/null)"
  [[ "$cmd" == *QuorumPeerMain*"$DATA_DIR"* ]] && zk_rss="$zk_rss $(rss_kb "${proc#/proc/}")"
done
log "RSS (kB): replicas of three: ${rss[*]}; server of one: $one_rss; ZooKeeper:${zk_rss:- not found}"

# --- SELECT throughput through the edge --------------------------------------------------------
qps_one=() qps_three=()
for round in 1 2; do
  for side in one three; do
    if [ "$side" = one ]; then port=$ONE_HTTPS pw=$ONE_PASSWORD; else port=$THREE_HTTPS pw=$THREE_PASSWORD; fi
    read -r _ qps failed < <(bench select "$CA" "$pw" "$port" "$SELECT_THREADS" "$SELECT_SECONDS" "$SELECT_SQL")
    log "  round $round, $side: $qps queries/s, $failed failed"
    [ "$failed" -eq 0 ] || die "$failed SELECTs through the edge of $side failed"
    if [ "$side" = one ]; then qps_one+=("$qps"); else qps_three+=("$qps"); fi
  done
done

# --- kill -9 of a replica ----------------------------------------------------------------------
# wait_state ID STATE LIMIT: polls GET every 0.05 s; prints the seconds it took
wait_state() {
  local t0 deadline=$((SECONDS + $3)) state
  t0=$(now)
  while state=$(service_state "$1"); [ "$state" != "$2" ]; do
    [ "$SECONDS" -lt "$deadline" ] || die "service $1 not $2 after $3 s (state $state)"
    sleep 0.05
  done
  sub "$(now)" "$t0"
}
to_degraded=() to_running=() single_running=()
for round in $(seq 1 "$KILL_ROUNDS"); do
  victim=$(server_pids "$THREE" | shuf -n 1)
  t0=$(now)
  kill -KILL "$victim"
  wait_state "$THREE" degraded 60 >/dev/null
  d=$(sub "$(now)" "$t0")
  wait_state "$THREE" running 300 >/dev/null
  r=$(sub "$(now)" "$t0")
  log "  round $round: replica pid $victim killed; degraded after $d s, running after $r s"
  to_degraded+=("$d") to_running+=("$r")
  victim=$(server_pids "$ONE" | head -1)
  t0=$(now)
  kill -KILL "$victim"
  # a single server that is gone is not degraded: wait until GET leaves running, then for running
  deadline=$((SECONDS + 60))
  while [ "$(service_state "$ONE")" = running ]; do
    [ "$SECONDS" -lt "$deadline" ] || die "killing the server of one left it running for 60 s"
    sleep 0.05
  done
  wait_state "$ONE" running 300 >/dev/null
  s=$(sub "$(now)" "$t0")
  log "  round $round: single server pid $victim killed; running again after $s s"
  single_running+=("$s")
done

awk -v p50="$lag_p50" -v p99="$lag_p99" -v mx="$lag_max" -v ack="$lag_ack" \
    -v b50="$one_p50" -v b99="$one_p99" -v back="$one_ack" -v n="$INSERTS" 'BEGIN {
  printf "replication_lag_p50: %.2f ms (%.2fx 1 replica: %.2f ms)\n", p50, p50 / b50, b50
  printf "replication_lag_p99: %.2f ms (%.2fx 1 replica: %.2f ms; max %.2f ms, %d inserts)\n", p99, p99 / b99, b99, mx, n
  printf "replicated_insert_ack_p50: %.2f ms (%.2fx 1 replica: %.2f ms)\n", ack, ack / back, back
}'
q1=$(median "${qps_one[@]}") q3=$(median "${qps_three[@]}")
awk -v a="$q1" -v b="$q3" -v t="$SELECT_THREADS" 'BEGIN {
  printf "select_through_edge_1_replica: %.1f queries/s (1.00x)\n", a
  printf "select_through_edge_3_replicas: %.1f queries/s (%.2fx; %d clients, a new connection per query)\n", b, b / a, t
}'
rm_=$(median "${rss[@]}")
awk -v r="$rm_" -v o="$one_rss" 'BEGIN { printf "idle_replica_rss_median: %.1f MB (%.2fx the server of a 1-replica service: %.1f MB)\n", r / 1024, r / o, o / 1024 }'
dm=$(median "${to_degraded[@]}") rm2=$(median "${to_running[@]}") sm=$(median "${single_running[@]}")
awk -v d="$dm" -v r="$rm2" -v s="$sm" -v n="$KILL_ROUNDS" 'BEGIN {
  printf "replica_kill_to_degraded_median: %.3f s (%d rounds)\n", d, n
  printf "replica_kill_to_running_median: %.3f s (%.2fx kill of a 1-replica server to running: %.3f s)\n", r, r / s, s
}'

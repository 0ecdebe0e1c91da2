#!/usr/bin/env bash
# ClickPipes with a Kafka source (issue: ClickPipes Kafka): time until 1,000,000 JSON messages that
# are already in a topic (3 partitions, ~196 bytes, 10 fields of mixed types) are all rows of the
# destination table, for a chplane ClickPipe with 1 and with 2 replicas, against, in the same run
# and on the same service, broker and topic: ClickHouse's own Kafka table engine + MATERIALIZED VIEW
# (kafka_num_consumers=1), and the same rows sent as one JSONEachRow insert over HTTPS (the
# ceiling). Results on stdout, progress on stderr.
#
#   bench/kafka-pipe-throughput.sh      # about 1.5 min (broker start and produce included)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MESSAGES=${MESSAGES:-1000000}
WARMUP_MESSAGES=${WARMUP_MESSAGES:-200000}   # for an unmeasured pipe on topic bench-warmup: JIT warm-up
PARTITIONS=3
TOPIC=bench
POLL=0.1                 # seconds between two `SELECT count()` of the destination
COUNT_TIMEOUT=300        # seconds: longest wait for all rows of one measurement
STALL_TIMEOUT=60         # seconds without a new row: the measurement fails
# 18.16 creates LowCardinality columns only with this setting (chplane's own user has it in its profile)
LC=allow_experimental_low_cardinality_type=1
COLS='id UInt64, ts DateTime, s1 String, s2 String, s3 String, f1 Float64, f2 Float64, i1 Int32, i2 Int32, lc LowCardinality(String)'
# the same columns for the pipe's managed table
PIPE_COLUMNS=$(tr ',' '\n' <<<"$COLS" | awk 'NF { printf "%s{\"name\":\"%s\",\"type\":\"%s\"}", n++ ? "," : "", $1, substr($0, index($0, $2)) }')

need java openjdk-17-jdk-headless
need mvn maven

bench_init
RUN_ID=$RANDOM$RANDOM

# --- the test classpath: the broker harness and the bench's Java main --------------------------------

test_classpath dev.chplane.bench.KafkaBenchBroker

# --- the broker: started, topic created and filled before anything is measured -----------------------

KAFKA_PID="" KAFKA_STOP="$WORK/kafka.stop" ROWS="$WORK/rows.json"
cat >"$WORK/logback-bench.xml" <<'EOF'
<configuration>
  <appender name="ERR" class="ch.qos.logback.core.ConsoleAppender"><target>System.err</target>
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n</pattern></encoder></appender>
  <logger name="dev.chplane" level="INFO"/>
  <logger name="org.apache.kafka.clients.NetworkClient" level="ERROR"/>
  <root level="WARN"><appender-ref ref="ERR"/></root>
</configuration>
EOF
log "starting the Kafka broker (test harness KafkaBroker) and producing $MESSAGES messages to topic $TOPIC ($PARTITIONS partitions)"
# java.io.tmpdir is this run's temp dir, so the broker's files go with it whatever happens
java -Xmx1g -Djava.io.tmpdir="$WORK" -Dlogback.configurationFile="$WORK/logback-bench.xml" \
  -cp "$TEST_CP" dev.chplane.bench.KafkaBenchBroker \
  --topic "$TOPIC" --partitions "$PARTITIONS" --messages "$MESSAGES" --warmup-messages "$WARMUP_MESSAGES" --rows-file "$ROWS" --stop-file "$KAFKA_STOP" \
  >"$WORK/kafka.out" 2>"$WORK/kafka.err" </dev/null &
KAFKA_PID=$!

bench_cleanup_first() {
  local id
  if [ -n "${SVC:-}" ]; then
    for id in "${PIPE_IDS[@]}"; do
      log "cleanup: deleting pipe $id"
      api DELETE "/services/$SVC/clickpipes/$id" >/dev/null 2>&1
    done
    # 18.16 can hang on SIGTERM in its Kafka consumer's close; dropping the Kafka table first avoids it
    q "$SVC_PORT" "$SVC_PW" "DROP TABLE IF EXISTS default.engine_mv" >/dev/null 2>&1
    q "$SVC_PORT" "$SVC_PW" "DROP TABLE IF EXISTS default.engine_queue" >/dev/null 2>&1
  fi
}
bench_cleanup_last() {
  if [ -n "$KAFKA_PID" ]; then
    log "stopping the Kafka broker (pid $KAFKA_PID)"
    touch "$KAFKA_STOP"
    local deadline=$((SECONDS + 30))
    while kill -0 "$KAFKA_PID" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
    stop_pid "$KAFKA_PID" 15
    KAFKA_PID=""
  fi
}
PIPE_IDS=()

start_chplane      # meanwhile the broker starts and the producer runs

deadline=$((SECONDS + 300))
until grep -q '^READY' "$WORK/kafka.out" 2>/dev/null; do
  kill -0 "$KAFKA_PID" 2>/dev/null || { tail -20 "$WORK/kafka.err" >&2; die "the Kafka broker program exited"; }
  [ "$SECONDS" -lt "$deadline" ] || die "the topic was not filled within 300 s"
  sleep 0.2
done
BOOTSTRAP=$(awk '/^BOOTSTRAP/ { print $2 }' "$WORK/kafka.out")
while read -r line; do log "broker $BOOTSTRAP: $line"; done < <(grep '^PRODUCED' "$WORK/kafka.out")
log "end offsets per partition: $(grep '^PARTITIONS' "$WORK/kafka.out" | cut -d' ' -f2-)"
[ "$(wc -l <"$ROWS")" -eq "$MESSAGES" ] || die "$ROWS does not hold $MESSAGES rows"

# --- the service -------------------------------------------------------------------------------------

resp=$(api POST /services '{"name":"bench-kafka","provider":"aws","region":"eu-west-1","ipAccessList":[{"source":"127.0.0.1","description":""}]}')
read -r SVC SVC_PORT SVC_PW < <(jq -r '.result | [.service.id, (.service.endpoints[] | select(.protocol == "https") | .port), .password] | @tsv' <<<"$resp" 2>/dev/null) || true
[ -n "${SVC_PW:-}" ] || die "create failed: $resp"
SERVICE_IDS+=("$SVC")
wait_running "$SVC"
grep -q '<auto_offset_reset>smallest</auto_offset_reset>' "$DATA_DIR/services/$SVC/config.xml" \
  || die "the service's config.xml lacks <kafka><auto_offset_reset>smallest</auto_offset_reset></kafka>: the Kafka engine would start at the end"
log "service $SVC is running (https port $SVC_PORT)"

# count TABLE: its row count, 0 while it does not exist yet
count() {
  local n
  n=$(q "$SVC_PORT" "$SVC_PW" "SELECT count() FROM default.$1" 2>/dev/null) || n=0
  echo "$n"
}

# wait_rows TABLE T0: polls count() every POLL s until it reaches EXPECT; sets ELAPSED (s from T0
# to the poll that saw all rows) and FIRST (s from T0 to the first poll that saw any row).
EXPECT=$MESSAGES     # rows wait_rows waits for
wait_rows() {
  local table=$1 t0=$2 n last=0 t moved=$SECONDS deadline=$((SECONDS + COUNT_TIMEOUT))
  FIRST="" STEPS=""
  while :; do
    n=$(count "$table")
    t=$(now)
    [[ "$n" =~ ^[0-9]+$ ]] || n=0
    if [ "$n" -gt 0 ] && [ -z "$FIRST" ]; then FIRST=$(sub "$t" "$t0"); fi
    if [ "$n" -ne "$last" ]; then STEPS="$STEPS $(sub "$t" "$t0")s:$n"; fi
    [ "$n" -lt "$EXPECT" ] || break
    if [ "$n" -ne "$last" ]; then last=$n moved=$SECONDS; fi
    [ $((SECONDS - moved)) -lt "$STALL_TIMEOUT" ] || die "$table stalled at $n rows for $STALL_TIMEOUT s (see $WORK/chplane.log)"
    [ "$SECONDS" -lt "$deadline" ] || die "$table has $n of $EXPECT rows after $COUNT_TIMEOUT s"
    sleep "$POLL"
  done
  ELAPSED=$(sub "$t" "$t0")
  log "$table: rows counted over time (s after the start:rows):$STEPS"
  [ "$n" -eq "$EXPECT" ] || log "WARNING: $table holds $n rows, more than the $EXPECT messages (duplicates)"
}

rate() { awk -v n="$EXPECT" -v t="$1" 'BEGIN { printf "%.0f", n / t }'; }

# Where the CPU goes: user+system CPU seconds used so far by chplane's JVM, the service's
# clickhouse-server and the broker's JVM (the child of the bench's Java main), read from /proc.
TICKS=$(getconf CLK_TCK)
CH_PID="" BROKER_PID=""
for p in /proc/[0-9]*; do
  if [[ "$( { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null)" == *"--config-file=$DATA_DIR/services/$SVC/config.xml"* ]]; then
    CH_PID=${p#/proc/}
  fi
done
BROKER_PID=$(pgrep -P "$KAFKA_PID" java || true)
[ -n "$CH_PID" ] && [ -n "$BROKER_PID" ] || die "cannot find the pids of clickhouse-server ($CH_PID) or the broker ($BROKER_PID)"
cpu_of() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk -v t="$TICKS" '{ printf "%.2f", ($12 + $13) / t }'; }
cpu_snapshot() { echo "$(cpu_of "$CHPLANE_PID") $(cpu_of "$CH_PID") $(cpu_of "$BROKER_PID")"; }
# cpu_report BEFORE WALL: logs the CPU seconds each used since BEFORE (a cpu_snapshot)
cpu_report() {
  local a b
  read -r -a a <<<"$1"
  read -r -a b <<<"$(cpu_snapshot)"
  log "CPU used in these $2 s: chplane $(sub "${b[0]}" "${a[0]}") s, clickhouse-server $(sub "${b[1]}" "${a[1]}") s, broker $(sub "${b[2]}" "${a[2]}") s (2 CPUs: at most $(awk -v w="$2" 'BEGIN { printf "%.1f", 2 * w }') s)"
}

# --- (a) ClickHouse's Kafka engine + materialized view, 1 consumer ----------------------------------

measure_engine() {
  log "load average $(cut -d' ' -f1-3 /proc/loadavg); Kafka engine (kafka_num_consumers=1) -> default.engine_dst"
  q "$SVC_PORT" "$SVC_PW" "CREATE TABLE default.engine_dst ($COLS) ENGINE = MergeTree ORDER BY id" "$LC" >/dev/null
  q "$SVC_PORT" "$SVC_PW" "CREATE TABLE default.engine_queue ($COLS) ENGINE = Kafka SETTINGS
    kafka_broker_list = '$BOOTSTRAP', kafka_topic_list = '$TOPIC', kafka_group_name = 'bench-engine-$RUN_ID',
    kafka_format = 'JSONEachRow', kafka_num_consumers = 1" "$LC" >/dev/null
  local t0 cpu
  cpu=$(cpu_snapshot)
  t0=$(now)
  q "$SVC_PORT" "$SVC_PW" "CREATE MATERIALIZED VIEW default.engine_mv TO default.engine_dst AS SELECT * FROM default.engine_queue" "$LC" >/dev/null
  wait_rows engine_dst "$t0"
  ENGINE_TIME=$ELAPSED
  log "Kafka engine: all $EXPECT rows after $ELAPSED s (first rows after $FIRST s): $(rate "$ELAPSED") rows/s"
  cpu_report "$cpu" "$ELAPSED"
  q "$SVC_PORT" "$SVC_PW" "DROP TABLE default.engine_mv" >/dev/null
  q "$SVC_PORT" "$SVC_PW" "DROP TABLE default.engine_queue" >/dev/null
}

# --- chplane ClickPipes, 1 and 2 replicas -------------------------------------------------------------

# measure_pipe REPLICAS [TOPIC TABLE]: a fresh pipe (fresh consumer group and managed table), timed
# from its POST to all rows in its table, then deleted; sets PIPE_TIME.
measure_pipe() {
  local replicas=$1 topic=${2:-$TOPIC} table=${3:-pipe_${1}r} body resp id t0 cpu
  log "load average $(cut -d' ' -f1-3 /proc/loadavg); ClickPipe with $replicas replica(s) -> default.$table"
  body=$(cat <<EOF
{"name":"bench-$table","source":{"kafka":{"type":"kafka","format":"JSONEachRow","brokers":"$BOOTSTRAP","topics":"$topic",
 "consumerGroup":"bench-$table-$RUN_ID","offset":{"strategy":"from_beginning"}}},
 "destination":{"database":"default","table":"$table","managedTable":true,
  "tableDefinition":{"engine":{"type":"MergeTree"},"sortingKey":["id"]},"columns":[$PIPE_COLUMNS]},
 "settings":{"streaming_max_insert_wait_ms":1000},"scaling":{"replicas":$replicas}}
EOF
)
  cpu=$(cpu_snapshot)
  t0=$(now)
  resp=$(api POST "/services/$SVC/clickpipes" "$body")
  id=$(jq -r '.result.id // empty' <<<"$resp")
  [ -n "$id" ] || die "pipe create failed: $resp"
  PIPE_IDS+=("$id")
  wait_rows "$table" "$t0"
  PIPE_TIME=$ELAPSED
  log "pipe $id ($replicas replica(s), topic $topic): all $EXPECT rows after $ELAPSED s (first rows after $FIRST s): $(rate "$ELAPSED") rows/s; state $(api GET "/services/$SVC/clickpipes/$id" | jq -r .result.state)"
  cpu_report "$cpu" "$ELAPSED"
  api DELETE "/services/$SVC/clickpipes/$id" >/dev/null
  local kept=() p
  for p in "${PIPE_IDS[@]}"; do [ "$p" = "$id" ] || kept+=("$p"); done
  PIPE_IDS=("${kept[@]}")
  local errors
  errors=$(count "${table}_clickpipes_error")
  [ "$errors" = 0 ] || log "WARNING: $errors rows in default.${table}_clickpipes_error"
}

# --- (b) the ceiling: the same rows as one JSONEachRow insert over HTTPS ------------------------------

measure_ceiling() {
  log "load average $(cut -d' ' -f1-3 /proc/loadavg); one JSONEachRow insert of $ROWS ($(stat -c %s "$ROWS") bytes) over HTTPS -> default.ceiling"
  q "$SVC_PORT" "$SVC_PW" "CREATE TABLE default.ceiling ($COLS) ENGINE = MergeTree ORDER BY id" "$LC" >/dev/null
  local t0 t1 cpu
  cpu=$(cpu_snapshot)
  t0=$(now)
  curl -sS --fail-with-body --max-time 600 --cacert "$CA" --resolve "localhost:$SVC_PORT:127.0.0.1" -u "default:$SVC_PW" \
    -H 'Expect:' -X POST -T "$ROWS" "https://localhost:$SVC_PORT/?query=INSERT%20INTO%20default.ceiling%20FORMAT%20JSONEachRow" >/dev/null
  t1=$(now)
  CEILING_TIME=$(sub "$t1" "$t0")
  [ "$(count ceiling)" -eq "$MESSAGES" ] || die "default.ceiling does not hold $MESSAGES rows"
  log "HTTPS insert: $CEILING_TIME s: $(rate "$CEILING_TIME") rows/s"
  cpu_report "$cpu" "$CEILING_TIME"
}

if [ "$WARMUP_MESSAGES" -gt 0 ]; then
  # not measured: the first pipe after chplane started would otherwise also pay for loading and
  # JIT-compiling the Kafka client, Jackson and TLS code paths (both pipe runs below start warm)
  log "warm-up (not measured): a 1-replica pipe reads $WARMUP_MESSAGES messages of topic $TOPIC-warmup"
  EXPECT=$WARMUP_MESSAGES
  measure_pipe 1 "$TOPIC-warmup" warmup
  EXPECT=$MESSAGES
fi
measure_engine
measure_pipe 1
P1_TIME=$PIPE_TIME
measure_pipe 2
P2_TIME=$PIPE_TIME
measure_ceiling

# Every destination should hold exactly the rows of the ceiling table: count, distinct ids, and a
# hash of every column summed over the rows. A difference is reported (column by column, with one
# differing row), not fatal: the timings stand, the difference is a finding of its own.
CHECK="SELECT count(), uniqExact(id), sum(cityHash64(*)) FROM default."
expected=$(q "$SVC_PORT" "$SVC_PW" "${CHECK}ceiling")
DATA_CHECK="identical"
for t in engine_dst pipe_1r pipe_2r; do
  got=$(q "$SVC_PORT" "$SVC_PW" "$CHECK$t")
  [ "$got" != "$expected" ] || continue
  DATA_CHECK="DIFFERENT (see stderr)"
  log "WARNING: default.$t differs from the inserted rows: $(tr '\t' ' ' <<<"$got"), expected $(tr '\t' ' ' <<<"$expected") (count, uniqExact(id), sum(cityHash64(*)))"
  for c in $(tr ',' '\n' <<<"$COLS" | awk 'NF { print $1 }'); do
    a=$(q "$SVC_PORT" "$SVC_PW" "SELECT sum(cityHash64($c)) FROM default.$t")
    b=$(q "$SVC_PORT" "$SVC_PW" "SELECT sum(cityHash64($c)) FROM default.ceiling")
    [ "$a" = "$b" ] || log "  column $c differs, e.g. $(q "$SVC_PORT" "$SVC_PW" "SELECT id, x.$c, y.$c FROM default.$t AS x ALL INNER JOIN (SELECT id, $c FROM default.ceiling) AS y USING id WHERE x.$c != y.$c LIMIT 1" | tr '\t' ' ')"
  done
done
log "data check: $DATA_CHECK"
log "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"

awk -v check="$DATA_CHECK" -v n="$MESSAGES" -v e="$ENGINE_TIME" -v p1="$P1_TIME" -v p2="$P2_TIME" -v c="$CEILING_TIME" 'BEGIN {
  re = n / e; rc = n / c
  printf "pipe_1_replica: %.0f rows/s (%.2fx kafka engine, required >= 1.0x; %.2fx ceiling, aim >= 0.5x; %.2f s)\n", n / p1, n / p1 / re, n / p1 / rc, p1
  printf "pipe_2_replicas: %.0f rows/s (%.2fx kafka engine; %.2fx ceiling; %.2f s)\n", n / p2, n / p2 / re, n / p2 / rc, p2
  printf "kafka_engine_1_consumer: %.0f rows/s (1.00x kafka engine; %.2fx ceiling; %.2f s)\n", re, re / rc, e
  printf "http_insert_ceiling: %.0f rows/s (%.2fx kafka engine; 1.00x ceiling; %.2f s)\n", rc, rc / re, c
  printf "destination_rows_vs_ceiling: %s\n", check
}'

log "stopping and deleting the service"
delete_service "$SVC" || true

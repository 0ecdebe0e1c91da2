#!/usr/bin/env bash
# What the insert format costs the server: the same 1,000,000 rows of the Kafka bench's 10 columns
# inserted as JSONEachRow (what a pipe sends) and as RowBinary, each 3 times into a fresh MergeTree
# table of one clickhouse-server started here (plain HTTP on loopback, so that TLS is not measured).
# Prints the median rows/s and the server's CPU seconds per insert for each format.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_init
need clickhouse-server clickhouse-server
ROWS=${ROWS:-1000000}
COLUMNS="id UInt64, ts DateTime, s1 String, s2 String, s3 String, f1 Float64, f2 Float64, i1 Int32, i2 Int32, lc LowCardinality(String)"

read -r HTTP NATIVE < <(free_ports 2)
SRV="$WORK/server"
mkdir -p "$SRV"/{data,tmp,log,user_files}
cat >"$SRV/config.xml" <<EOF
<yandex>
  <logger><level>warning</level><log>$SRV/log/server.log</log><errorlog>$SRV/log/error.log</errorlog></logger>
  <listen_host>127.0.0.1</listen_host><http_port>$HTTP</http_port><tcp_port>$NATIVE</tcp_port>
  <path>$SRV/data/</path><tmp_path>$SRV/tmp/</tmp_path><user_files_path>$SRV/user_files/</user_files_path>
  <users_config>$SRV/users.xml</users_config><default_profile>default</default_profile>
  <default_database>default</default_database><mark_cache_size>536870912</mark_cache_size>
</yandex>
EOF
cat >"$SRV/users.xml" <<'EOF'
<yandex><profiles><default><allow_experimental_low_cardinality_type>1</allow_experimental_low_cardinality_type></default></profiles>
<users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
<quotas><default></default></quotas></yandex>
EOF
(cd "$SRV" && exec clickhouse-server --config-file="$SRV/config.xml") >>"$SRV/log/stdout.log" 2>&1 </dev/null &
SERVER_PID=$!
BARE_PIDS+=("$SERVER_PID")
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$HTTP/ping" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$HTTP/ping" >/dev/null || die "clickhouse-server did not answer on port $HTTP (see $SRV/log)"
sql() { curl -sS --fail-with-body "http://127.0.0.1:$HTTP/?${2:-}" --data-binary "$1"; }
TICKS=$(getconf CLK_TCK)
server_cpu() { sed 's/.*) //' "/proc/$SERVER_PID/stat" | awk -v t="$TICKS" '{ printf "%.3f", ($12 + $13) / t }'; }

log "generating $ROWS rows shaped like the Kafka bench's messages"
sql "CREATE TABLE source ($COLUMNS) ENGINE = MergeTree ORDER BY id"
sql "INSERT INTO source SELECT number, toDateTime(1764151200 + number), concat('user_', toString(rand() % 100000), '_', hex(rand())),
  concat('https://example.com/p/', toString(number), '/', hex(rand64())), hex(rand()), (rand() % 10000000) / 100,
  (rand() % 1000000) / 1000000, toInt32(rand() % 2000000) - 1000000, toInt32(rand() % 2000) - 1000,
  concat('category_', toString(number % 20)) FROM numbers($ROWS)"
sql "SELECT * FROM source FORMAT JSONEachRow" output_format_json_quote_64bit_integers=0 >"$WORK/rows.JSONEachRow"
sql "SELECT * FROM source FORMAT RowBinary" >"$WORK/rows.RowBinary"
log "JSONEachRow: $(stat -c %s "$WORK/rows.JSONEachRow") bytes; RowBinary: $(stat -c %s "$WORK/rows.RowBinary") bytes"

declare -A RATE CPU
for format in JSONEachRow RowBinary; do
  rates=() cpus=()
  for round in 1 2 3; do
    sql "DROP TABLE IF EXISTS target"
    sql "CREATE TABLE target ($COLUMNS) ENGINE = MergeTree ORDER BY id"
    c0=$(server_cpu); t0=$(now)
    curl -sfS -H 'Expect:' "http://127.0.0.1:$HTTP/?query=INSERT%20INTO%20target%20FORMAT%20$format" \
      --data-binary "@$WORK/rows.$format" >/dev/null
    t1=$(now); c1=$(server_cpu)
    [ "$(sql "SELECT count() FROM target")" = "$ROWS" ] || die "$format insert did not store $ROWS rows"
    rates+=("$(awk -v n="$ROWS" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')")
    cpus+=("$(sub "$c1" "$c0")")
    log "$format round $round: ${rates[-1]} rows/s, server CPU ${cpus[-1]} s"
  done
  RATE[$format]=$(median "${rates[@]}")
  CPU[$format]=$(median "${cpus[@]}")
done
[ "$(sql "SELECT sum(cityHash64(*)) FROM source")" = "$(sql "SELECT sum(cityHash64(*)) FROM target")" ] \
  || log "WARNING: the last RowBinary insert differs from the source"

for format in JSONEachRow RowBinary; do
  echo "insert_$(tr 'A-Z' 'a-z' <<<"$format"): ${RATE[$format]} rows/s ($(awk -v a="${RATE[$format]}" -v b="${RATE[JSONEachRow]}" 'BEGIN { printf "%.2f", a / b }')x JSONEachRow; server CPU ${CPU[$format]} s for $ROWS rows)"
done
log "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"

#!/usr/bin/env bash
# Backups (issue: backups): throughput of a service's first (full) backup against `cp -a` + `sync`
# of the same data dir, the size of the next (incremental) backup of the unchanged service, and the
# time to restore the full backup into a new service. Results on stdout, progress on stderr.
#
#   bench/backup-throughput.sh      # about 30-35 s; needs 5 GB free (refuses below MIN_FREE_GB)
#
# chplane runs with --backup-hour-seconds 0.5: an hour of the backup schedule lasts 0.5 s, so the
# 6-hour period asked for below is 3 s.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HOUR_SECONDS=0.5
PARTS=${PARTS:-12}                 # one insert, one partition, one part each
ROWS_PER_PART=1048576              # 18.16 writes an INSERT ... SELECT in blocks of this many rows
MIN_BYTES=1000000000               # at least 1 GB on disk (about 1.15 GB with 12 parts)
MIN_FREE_GB=${MIN_FREE_GB:-5}      # source + backup + restored copy + the cp baseline, with margin
WAIT_LIMIT=300                     # seconds; every wait below is bounded by it
REGION=eu-west-1
IP_LIST='[{"source":"127.0.0.1","description":""}]'

need cp coreutils
need df coreutils
need du coreutils

bench_init

# Refuse politely when the disk is too full for the data, its backup, its restore and the baseline.
free_kb=$(df -Pk "$WORK" | awk 'NR == 2 { print $4 }')
if [ "$free_kb" -lt $((MIN_FREE_GB * 1024 * 1024)) ]; then
  log "only $((free_kb / 1024 / 1024)) GB free on the file system of $WORK; this benchmark writes about 3.5 GB"
  log "(source data, its backup, a restored copy and the cp baseline) and needs at least $MIN_FREE_GB GB free:"
  log "not running it. Free some space, or point TMPDIR at a bigger file system."
  exit 1
fi
log "$((free_kb / 1024 / 1024)) GB free on the file system of $WORK"

start_chplane --backup-hour-seconds "$HOUR_SECONDS"

# secs ISO-8601: seconds since the epoch, with the fraction
secs() { date -u -d "$1" +%s.%N; }

# create_service NAME [EXTRA_JSON_FIELDS]: POST …/services; sets SID, SPORT (https), SPW, T_POST.
create_service() {
  local resp
  T_POST=$(now)
  resp=$(api POST /services "{\"name\":\"$1\",\"provider\":\"aws\",\"region\":\"$REGION\",\"ipAccessList\":$IP_LIST${2:-}}")
  read -r SID SPORT SPW < <(jq -r '.result | [.service.id, (.service.endpoints[] | select(.protocol == "https") | .port), .password] | @tsv' <<<"$resp" 2>/dev/null) || true
  [ -n "${SPW:-}" ] || die "create failed: $resp"
  SERVICE_IDS+=("$SID")
}

backups() { api GET "/services/$1/backups"; }

# cached DIR: how much of the files under DIR is in the page cache (fincore, util-linux), for the log.
# This VM reclaims cold page cache on its own (DAMON, kdamond), so a "warm" source is not a given.
cached() {
  command -v fincore >/dev/null || { echo "page cache use unknown (no fincore)"; return; }
  find "$1" -type f -print0 | xargs -0 -r fincore -b -n -r -o RES,SIZE 2>/dev/null \
    | awk '{ r += $1; s += $2 } END { printf "%.0f %% of its %.0f MB in the page cache", s ? 100 * r / s : 0, s / 1e6 }'
}

# wait_backup ID N: waits until the service has at least N backups and the Nth oldest is done; prints it.
wait_backup() {
  local id=$1 n=$2 b status deadline=$((SECONDS + WAIT_LIMIT))
  while :; do
    b=$(backups "$id" | jq -c --argjson n "$n" '.result | reverse | .[$n - 1] // empty')
    status=$(jq -r '.status // empty' <<<"$b")
    [ "$status" = done ] && break
    [ "$status" != error ] || die "backup $n of service $id failed: $b (see $WORK/chplane.log)"
    [ "$SECONDS" -lt "$deadline" ] || die "backup $n of service $id not done after $WAIT_LIMIT s: ${b:-none yet}"
    sleep 0.1
  done
  echo "$b"
}

# --- the source service and its data ---------------------------------------------------------------

create_service bench-backup-src
SRC=$SID SRC_PORT=$SPORT SRC_PW=$SPW
# The default schedule (24 h = 12 s here) would back the service up while it is being filled: first
# move the first backup to 48 h (24 s) after the creation, and keep backups 1080 h (540 s), longer
# than this run, so none expires while it is measured or restored.
api PATCH "/services/$SRC/backupConfiguration" '{"backupPeriodInHours":48,"backupRetentionPeriodInHours":1080}' >/dev/null
wait_running "$SRC" "$WAIT_LIMIT"
log "source service $SRC is running (https port $SRC_PORT)"

q "$SRC_PORT" "$SRC_PW" "CREATE TABLE default.bench (k UInt8, id UInt64, ts DateTime, s1 String, s2 String, s3 String,
  f1 Float64, i1 Int64) ENGINE = MergeTree PARTITION BY k ORDER BY id" >/dev/null
t_fill=$(now)
for k in $(seq 1 "$PARTS"); do
  # random-looking hex strings and numbers: about 91 bytes per row on disk, so LZ4 barely shrinks them
  q "$SRC_PORT" "$SRC_PW" "INSERT INTO default.bench SELECT $k, number, toDateTime(1700000000 + number),
    hex(cityHash64(number, $k)), concat(hex(cityHash64(number, $k, 1)), hex(cityHash64(number, $k, 2))),
    hex(cityHash64(number, $k, 3)), cityHash64(number, $k, 4) / 1e10, toInt64(cityHash64(number, $k, 5))
    FROM numbers($ROWS_PER_PART)" >/dev/null
done
read -r parts bytes < <(q "$SRC_PORT" "$SRC_PW" "SELECT count(), sum(bytes_on_disk) FROM system.parts WHERE active AND database = 'default' AND table = 'bench'")
log "filled default.bench in $(sub "$(now)" "$t_fill") s: $parts active parts, $bytes bytes on disk"
[ "$bytes" -ge "$MIN_BYTES" ] || die "only $bytes bytes on disk, expected at least $MIN_BYTES"
[ "$parts" -eq "$PARTS" ] || die "$parts active parts, expected $PARTS (one per insert)"
SRC_CHECK=$(q "$SRC_PORT" "$SRC_PW" "SELECT count(), sum(cityHash64(*)) FROM default.bench" | tr '\t' ' ')
log "source: count, sum(cityHash64(*)) = $SRC_CHECK"
[ "$(backups "$SRC" | jq '.result | length')" -eq 0 ] \
  || die "a scheduled backup started while the service was being filled (the fill took more than 24 s); the machine is too busy for this run"

# --- baseline: cp -a + sync of the same data dir ----------------------------------------------------

SRC_DATA="$DATA_DIR/services/$SRC/data"
CP_DIR="$DATA_DIR/cp-baseline"     # next to DATA_DIR/backups, on the same file system
[ -d "$SRC_DATA" ] || die "no data dir at $SRC_DATA"

# cp_baseline: one timed `cp -a SRC_DATA CP_DIR && sync`; appends its time and bytes to CP_TIMES and
# CP_BYTES_ALL, then deletes the copy. Run once before and once after the backup: on this VM whatever
# writes right after another large write is slower, so neither side should always come second.
CP_TIMES=() CP_BYTES_ALL=()
cp_baseline() {
  local t0 t1 t2 bytes files
  rm -rf "$CP_DIR"
  sync                             # earlier writes must not count against the copy
  log "baseline ($1): cp -a $SRC_DATA $CP_DIR && sync; $(cached "$SRC_DATA")"
  t0=$(now)
  cp -a "$SRC_DATA" "$CP_DIR"
  t1=$(now)
  sync
  t2=$(now)
  bytes=$(du -sb "$CP_DIR" | cut -f1)
  files=$(find "$CP_DIR" -type f | wc -l)
  log "cp -a + sync ($1): $bytes bytes in $files files, $(sub "$t2" "$t0") s (cp $(sub "$t1" "$t0") s, sync $(sub "$t2" "$t1") s)"
  [ -z "$(find "$CP_DIR" -path '*/shadow/*' -type d -print -quit)" ] || die "the copy holds a freeze (shadow/N/): a backup ran during the baseline"
  CP_TIMES+=("$(sub "$t2" "$t0")") CP_BYTES_ALL+=("$bytes")
  rm -rf "$CP_DIR"
  sync
}
cp_baseline "before the backup"

# --- the full backup ---------------------------------------------------------------------------------

log "load average $(cut -d' ' -f1-3 /proc/loadavg) before the backup; source data: $(cached "$SRC_DATA")"
T_PATCH=$(now)
api PATCH "/services/$SRC/backupConfiguration" '{"backupPeriodInHours":6}' >/dev/null
log "backupConfiguration set to a 6 h period (3 s here): the first backup is due now"
FULL=$(wait_backup "$SRC" 1)
log "full backup: $FULL"
[ "$(jq -r .type <<<"$FULL")" = full ] || die "the first backup is not full: $FULL"
FULL_ID=$(jq -r .id <<<"$FULL")
FULL_SIZE=$(jq -r .sizeInBytes <<<"$FULL")
FULL_DURATION_FIELD=$(jq -r .durationInSeconds <<<"$FULL")
FULL_START=$(secs "$(jq -r .startedAt <<<"$FULL")")
FULL_TIME=$(sub "$(secs "$(jq -r .finishedAt <<<"$FULL")")" "$FULL_START")
awk -v s="$FULL_START" -v p="$T_PATCH" 'BEGIN { exit !(s + 0.01 >= p) }' \
  || die "the full backup started before the schedule was changed: it may have overlapped the fill or the baseline"
log "full backup started $(sub "$FULL_START" "$T_PATCH") s after the PATCH"

# --- the next (incremental) backup of the unchanged service ------------------------------------------

INCR=$(wait_backup "$SRC" 2)
log "next backup: $INCR"
[ "$(jq -r .type <<<"$INCR")" = incremental ] || die "the second backup is not incremental: $INCR"
INCR_SIZE=$(jq -r .sizeInBytes <<<"$INCR")
INCR_TIME=$(sub "$(secs "$(jq -r .finishedAt <<<"$INCR")")" "$(secs "$(jq -r .startedAt <<<"$INCR")")")
# back to a long period, so that no backup (every 3 s) runs on the source while the restore is timed
api PATCH "/services/$SRC/backupConfiguration" '{"backupPeriodInHours":48}' >/dev/null
deadline=$((SECONDS + WAIT_LIMIT))
while [ "$(backups "$SRC" | jq '[.result[] | select(.status == "in_progress")] | length')" -ne 0 ]; do
  [ "$SECONDS" -lt "$deadline" ] || die "a backup of the source is still in progress after $WAIT_LIMIT s"
  sleep 0.1
done

cp_baseline "after the backup"

# --- restore the full backup into a new service ------------------------------------------------------

log "load average $(cut -d' ' -f1-3 /proc/loadavg) before the restore; backup storage: $(cached "$DATA_DIR/backups")"
create_service bench-backup-restored ",\"backupId\":\"$FULL_ID\""
RST=$SID
wait_running "$RST" "$WAIT_LIMIT"
RESTORE_TIME=$(sub "$(now)" "$T_POST")
log "restored service $RST running $RESTORE_TIME s after the POST"
RST_CHECK=$(q "$SPORT" "$SPW" "SELECT count(), sum(cityHash64(*)) FROM default.bench" | tr '\t' ' ')
log "restored: count, sum(cityHash64(*)) = $RST_CHECK"
[ "$RST_CHECK" = "$SRC_CHECK" ] || die "the restored table differs from the source: $RST_CHECK, expected $SRC_CHECK"

log "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
awk -v fs="$FULL_SIZE" -v ft="$FULL_TIME" -v fd="$FULL_DURATION_FIELD" \
    -v ct1="${CP_TIMES[0]}" -v ct2="${CP_TIMES[1]}" -v cb1="${CP_BYTES_ALL[0]}" -v cb2="${CP_BYTES_ALL[1]}" \
    -v is="$INCR_SIZE" -v it="$INCR_TIME" -v rt="$RESTORE_TIME" -v rows="${SRC_CHECK%% *}" 'BEGIN {
  bt = fs / ft / 1e6; ctp = (cb1 + cb2) / (ct1 + ct2) / 1e6
  printf "backup_full_throughput: %.0f MB/s (%.2fx cp -a + sync; goal >= 0.70x)\n", bt, bt / ctp
  printf "backup_full_time: %.3f s (startedAt to finishedAt; durationInSeconds %d)\n", ft, fd
  printf "backup_full_size: %.1f MB (sizeInBytes %d)\n", fs / 1e6, fs
  printf "cp_a_sync_throughput: %.0f MB/s (1.00x; before the backup %.0f, after %.0f MB/s)\n", ctp, cb1 / ct1 / 1e6, cb2 / ct2 / 1e6
  printf "cp_a_sync_time: %.3f s (mean of %.3f and %.3f s for %.1f MB)\n", (ct1 + ct2) / 2, ct1, ct2, cb1 / 1e6
  printf "backup_incremental_size: %.4f %% of full (goal < 1 %%; %d bytes in %.3f s)\n", 100 * is / fs, is, it
  printf "restore_time: %.3f s (%.2fx backup time; goal <= 2x)\n", rt, rt / ft
  printf "restore_rows_identical: %d rows (count() and sum(cityHash64(*)) equal)\n", rows
}'

log "stopping and deleting the services"
delete_service "$RST" || true
delete_service "$SRC" || true

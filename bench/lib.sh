# Shared helpers of the bench/ scripts; sourced, not run. Progress goes to stderr, results to stdout.
# Everything runs on 127.0.0.1; every process started here is recorded by pid and stopped by
# bench_cleanup (called from the EXIT/INT/TERM traps set by bench_init).

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s.%N; }

# Requires a command, naming the Debian package that provides it.
need() {
  command -v "$1" >/dev/null 2>&1 || die "'$1' is missing: install it with 'apt-get install -y $2' (as root)"
}

# free_ports N: N distinct TCP ports, unused on this machine right now, from 20000-31999 (below
# Linux's ephemeral range, where chplane's own port allocator and outgoing connections draw from).
free_ports() {
  local n=$1 used picked="" p tries=0
  used=" $(ss -Htan | awk '{ sub(/.*:/, "", $4); print $4 }' | sort -u | tr '\n' ' ') "
  while [ "$(wc -w <<<"$picked")" -lt "$n" ]; do
    tries=$((tries + 1))
    [ "$tries" -lt 1000 ] || die "no free port found"
    p=$((20000 + RANDOM % 12000))
    [[ "$used" == *" $p "* || " $picked " == *" $p "* ]] && continue
    picked="$picked $p"
  done
  echo $picked
}

# median of the numbers given as arguments
median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# test_classpath CLASS: builds chplane and its test classes when bench/../src changed since the
# test class CLASS (a fully qualified name) was built, writes the test classpath once; sets
# TEST_CP (test classes, classes and every test dependency), for `java -cp "$TEST_CP" ...`.
test_classpath() {
  local class="$BENCH_ROOT/target/test-classes/${1//.//}.class" cp_file="$BENCH_ROOT/target/test-classpath.txt"
  if [ ! -f "$class" ] || [ ! -f "$BENCH_ROOT/target/chplane.jar" ] \
      || [ -n "$(find "$BENCH_ROOT/src" "$BENCH_ROOT/pom.xml" -newer "$class" -print -quit)" ]; then
    log "building chplane and its test classes (mvn package, tests skipped)"
    (cd "$BENCH_ROOT" && mvn -B -q -DskipTests package) >&2
  fi
  if [ ! -f "$cp_file" ] || [ "$BENCH_ROOT/pom.xml" -nt "$cp_file" ]; then
    log "writing the test classpath to $cp_file"
    (cd "$BENCH_ROOT" && mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt) >&2
  fi
  TEST_CP="$BENCH_ROOT/target/test-classes:$BENCH_ROOT/target/classes:$(cat "$cp_file")"
}

# --- chplane -----------------------------------------------------------------------------------

CHPLANE_PID=""
SERVICE_IDS=()      # services created through the API and not yet deleted
BARE_PIDS=()        # clickhouse-server processes started by hand
WORK=""             # temp dir of this run
DATA_DIR=""

bench_init() {
  need curl curl
  need jq jq
  need ss iproute2
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/chplane-bench.XXXXXX")"
  log "load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs (other work on this machine skews the numbers)"
  trap 'bench_cleanup' EXIT
  trap 'log "interrupted"; exit 130' INT
  trap 'log "terminated"; exit 143' TERM
}

# start_chplane [OPTION...]: starts chplane on a fresh data dir and a free port, with any further
# `serve` options given; sets API, ORG, KEY, SECRET, CA, DATA_DIR.
start_chplane() {
  local port
  port=$(free_ports 1)
  DATA_DIR="$WORK/chplane-data"
  KEY="bench-$RANDOM$RANDOM"
  SECRET="$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)"
  ORG="$(cat /proc/sys/kernel/random/uuid)"
  log "starting chplane (bin/chplane serve) on 127.0.0.1:$port, data dir $DATA_DIR"
  CHPLANE_BOOTSTRAP_KEY_ID="$KEY" CHPLANE_BOOTSTRAP_KEY_SECRET="$SECRET" CHPLANE_BOOTSTRAP_ORG_ID="$ORG" \
    "$BENCH_ROOT/bin/chplane" serve --data-dir "$DATA_DIR" --api-port "$port" --api-host 127.0.0.1 "$@" \
    >"$WORK/chplane.log" 2>&1 </dev/null &
  CHPLANE_PID=$!
  HEALTH="http://127.0.0.1:$port/health"
  API="http://127.0.0.1:$port/v1/organizations/$ORG"
  CA="$DATA_DIR/tls/ca.pem"
  local deadline=$((SECONDS + 300))   # includes a Maven build when the jar is missing or stale
  until curl -sf --max-time 2 "$HEALTH" >/dev/null 2>&1; do
    kill -0 "$CHPLANE_PID" 2>/dev/null || { tail -20 "$WORK/chplane.log" >&2; die "chplane exited"; }
    [ "$SECONDS" -lt "$deadline" ] || die "chplane did not answer on $HEALTH within 300 s"
    sleep 0.2
  done
  [ -f "$CA" ] || die "no CA at $CA"
  log "chplane is up (pid $CHPLANE_PID)"
}

# api METHOD PATH [JSON]: one authenticated API call; prints the body.
api() {
  local method=$1 path=$2
  if [ $# -ge 3 ]; then
    curl -sS --max-time 30 -u "$KEY:$SECRET" -X "$method" -H 'Content-Type: application/json' -d "$3" "$API$path"
  else
    curl -sS --max-time 30 -u "$KEY:$SECRET" -X "$method" "$API$path"
  fi
}

service_state() { api GET "/services/$1" | jq -r '.result.state // ("HTTP " + (.status|tostring))'; }

# wait_running ID [LIMIT]: polls GET …/services/ID every 0.1 s until the state is running (fails
# on failed, or after LIMIT seconds, default 300).
wait_running() {
  local state deadline=$((SECONDS + ${2:-300}))
  while state=$(service_state "$1"); [ "$state" != running ]; do
    [ "$state" != failed ] || { tail -5 "$WORK/chplane.log" >&2; die "service $1 failed"; }
    [ "$SECONDS" -lt "$deadline" ] || die "service $1 not running after ${2:-300} s (state $state)"
    sleep 0.1
  done
}

# q PORT PASSWORD SQL [URL_PARAMS]: one statement on a service's HTTPS endpoint as user default
# (host name localhost pinned to 127.0.0.1, certificate checked against chplane's CA), with
# optional settings as URL parameters (a=1&b=2); prints the answer and fails on an HTTP error, with
# ClickHouse's message on stderr.
q() {
  local out
  if out=$(curl -sS --fail-with-body --max-time 600 --cacert "$CA" --resolve "localhost:$1:127.0.0.1" \
      -u "default:$2" "https://localhost:$1/?${4:-}" --data-binary "$3"); then
    [ -z "$out" ] || printf '%s\n' "$out"
  else
    printf '%s\n' "$out" >&2
    return 1
  fi
}

# sub A B: A - B with three decimals
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }

# Stops a service through the API, waits until it is stopped, deletes it and waits until it is gone.
delete_service() {
  local id=$1 deadline state
  api PATCH "/services/$id/state" '{"command":"stop"}' >/dev/null || true
  deadline=$((SECONDS + 60))
  while state=$(service_state "$id"); [ "$state" != stopped ] && [ "$state" != "HTTP 404" ]; do
    [ "$SECONDS" -lt "$deadline" ] || { log "service $id did not stop within 60 s (state $state)"; return 1; }
    sleep 0.1
  done
  api DELETE "/services/$id" >/dev/null || true
  deadline=$((SECONDS + 60))
  until [ "$(service_state "$id")" = "HTTP 404" ]; do
    [ "$SECONDS" -lt "$deadline" ] || { log "service $id was not deleted within 60 s"; return 1; }
    sleep 0.1
  done
  local kept=()
  for s in "${SERVICE_IDS[@]}"; do [ "$s" = "$id" ] || kept+=("$s"); done
  SERVICE_IDS=("${kept[@]}")
}

# Waits for a pid to exit (it must be our child or an orphan re-parented away); SIGKILL after $2 s.
stop_pid() {
  local pid=$1 grace=${2:-30} deadline
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + grace))
  while kill -0 "$pid" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "pid $pid did not exit within $grace s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.2
      break
    fi
    sleep 0.05
  done
  wait "$pid" 2>/dev/null || true
}

bench_cleanup() {
  local rc=$? pid id proc cmd
  set +e
  trap - EXIT INT TERM
  # a script's own first steps (e.g. dropping Kafka tables, deleting pipes), while chplane still runs
  if declare -F bench_cleanup_first >/dev/null; then bench_cleanup_first; fi
  for pid in "${BARE_PIDS[@]}"; do stop_pid "$pid" 30; done
  BARE_PIDS=()
  if [ -n "$CHPLANE_PID" ] && kill -0 "$CHPLANE_PID" 2>/dev/null && [ "$(cat "/proc/$CHPLANE_PID/comm")" != java ]; then
    log "stopping bin/chplane (pid $CHPLANE_PID) while it builds"
    pkill -TERM -P "$CHPLANE_PID" 2>/dev/null   # the Maven build it runs
  fi
  if [ -n "$CHPLANE_PID" ] && kill -0 "$CHPLANE_PID" 2>/dev/null; then
    for id in "${SERVICE_IDS[@]}"; do
      log "cleanup: stopping and deleting service $id"
      delete_service "$id"
    done
  fi
  # servers of this run's data dir that are still there (e.g. the API was not answering)
  if [ -n "$DATA_DIR" ]; then
    for proc in /proc/[0-9]*; do
      cmd="$( { tr '\0' ' ' <"$proc/cmdline"; } 2>/dev/null)"
      if [[ "$cmd" == *clickhouse-server*"--config-file=$DATA_DIR/services/"* ]]; then
        log "cleanup: stopping leftover clickhouse-server pid ${proc#/proc/}"
        stop_pid "${proc#/proc/}" 30
      fi
    done
  fi
  if [ -n "$CHPLANE_PID" ]; then
    log "stopping chplane (pid $CHPLANE_PID)"
    stop_pid "$CHPLANE_PID" 30
  fi
  CHPLANE_PID=""
  # chplane's ZooKeeper nodes outlive it (as its servers do): stop this run's
  if [ -n "$DATA_DIR" ]; then
    for proc in /proc/[0-9]*; do
      cmd="$( { tr '\0' ' ' <"$proc/cmdline"; } 2>/dev/null)"
      if [[ "$cmd" == *QuorumPeerMain*"$DATA_DIR"* ]]; then
        log "cleanup: stopping chplane's ZooKeeper node pid ${proc#/proc/}"
        stop_pid "${proc#/proc/}" 30
      fi
    done
  fi
  # a script's own last steps (e.g. stopping a Kafka broker), before the temp dir goes
  if declare -F bench_cleanup_last >/dev/null; then bench_cleanup_last; fi
  if [ -n "${BENCH_KEEP_LOG:-}" ] && [ -f "$WORK/chplane.log" ]; then
    cp "$WORK/chplane.log" "$BENCH_KEEP_LOG" && log "chplane's log kept in $BENCH_KEEP_LOG"
  fi
  [ -n "$WORK" ] && rm -rf "$WORK"
  WORK=""
  exit "$rc"
}

# create_service NAME [EXTRA_JSON_FIELDS]: creates a service reachable from 127.0.0.1 (extra fields
# such as '"idleScaling":true' are added to the spec), waits until it is running; sets SID,
# HTTPS_PORT, NATIVE_PORT (the public endpoints, i.e. the edge) and PASSWORD.
create_service() {
  local body resp
  body="{\"name\":\"$1\",\"provider\":\"aws\",\"region\":\"eu-west-1\",\"ipAccessList\":[{\"source\":\"127.0.0.1\",\"description\":\"bench\"}]${2:+,$2}}"
  resp=$(api POST /services "$body")
  read -r SID HTTPS_PORT NATIVE_PORT PASSWORD < <(jq -r '.result | [.service.id,
      (.service.endpoints[] | select(.protocol == "https") | .port),
      (.service.endpoints[] | select(.protocol == "nativesecure") | .port), .password] | @tsv' <<<"$resp" 2>/dev/null) || true
  [ -n "${PASSWORD:-}" ] || die "create failed: $resp"
  SERVICE_IDS+=("$SID")
  wait_running "$SID" 120
  log "service $SID running: edge https $HTTPS_PORT, nativesecure $NATIVE_PORT"
}

# internal_port ID TAG: the server's internal port from its generated config.xml (TAG https_port or
# tcp_port_secure), i.e. the port the edge forwards to.
internal_port() {
  sed -n "s#.*<$2>\([0-9]*\)</$2>.*#\1#p" "$DATA_DIR/services/$1/config.xml" | head -1
}

# pctl P N...: the P-th percentile (nearest rank) of the numbers given after P
pctl() {
  local p=$1; shift
  printf '%s\n' "$@" | sort -g | awk -v p="$p" '{ v[NR] = $1 } END { r = int((p * NR + 99) / 100); if (r < 1) r = 1; print v[r] }'
}

# launch_bare NAME: starts clickhouse-server by hand in a fresh directory from the template
# configuration ($WORK/template, taken from a service chplane made: same certificate, users, password
# and settings) with new paths and free ports. Sets BARE_DIR, BARE_HTTPS, BARE_PID and BARE_T0 (start
# time); the caller waits for it and stops it.
launch_bare() {
  local native tcp interserver
  BARE_DIR="$WORK/bare-$1"
  read -r BARE_HTTPS native tcp interserver < <(free_ports 4)
  mkdir -p "$BARE_DIR"/{data,log,tmp,user_files,format_schemas}
  sed -e "s#$TEMPLATE_DIR#$BARE_DIR#g" \
      -e "s#<https_port>[0-9]*</https_port>#<https_port>$BARE_HTTPS</https_port>#" \
      -e "s#<tcp_port_secure>[0-9]*</tcp_port_secure>#<tcp_port_secure>$native</tcp_port_secure>#" \
      -e "s#<tcp_port>[0-9]*</tcp_port>#<tcp_port>$tcp</tcp_port>#" \
      -e "s#<interserver_http_port>[0-9]*</interserver_http_port>#<interserver_http_port>$interserver</interserver_http_port>#" \
      "$WORK/template/config.xml" >"$BARE_DIR/config.xml"
  cp "$WORK/template/users.xml" "$BARE_DIR/users.xml"
  ! grep -qF "$TEMPLATE_DIR" "$BARE_DIR/config.xml" || die "config rewrite left the service's path in $BARE_DIR/config.xml"
  BARE_T0=$(now)
  (cd "$BARE_DIR" && exec "$CH_SERVER" --config-file="$BARE_DIR/config.xml") >>"$BARE_DIR/log/stdout.log" 2>&1 </dev/null &
  BARE_PID=$!
  BARE_PIDS+=("$BARE_PID")
}

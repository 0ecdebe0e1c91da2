# Shared by bin/chplane and bin/test: makes sure Java 17+, Maven, ClickHouse and (for the tests)
# PostgreSQL are present, installing Debian/Ubuntu packages when running as root, or says exactly
# what to run.

chplane_apt_updated=0

chplane_apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "chplane: missing $*. Install it with: sudo apt-get update && sudo apt-get install -y $*" >&2
    exit 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "chplane: missing $*, and this is not a Debian/Ubuntu system; install it with your package manager" >&2
    exit 1
  fi
  if [ "$chplane_apt_updated" = 0 ]; then
    echo "chplane: apt-get update" >&2
    apt-get update -qq >&2
    chplane_apt_updated=1
  fi
  echo "chplane: installing $*" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

chplane_require_java() {
  if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
    chplane_apt_install openjdk-17-jdk-headless maven
  fi
  local major
  major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
  if [ -z "$major" ] || [ "$major" -lt 17 ]; then
    echo "chplane: Java 17 or newer is needed (found: $(java -version 2>&1 | head -1))." \
      "Install openjdk-17-jdk-headless or set JAVA_HOME to a newer JDK." >&2
    exit 1
  fi
}

chplane_require_clickhouse() {
  if [ -n "${CHPLANE_CLICKHOUSE_SERVER:-}" ]; then
    return
  fi
  if command -v clickhouse-server >/dev/null 2>&1 || [ -x /usr/sbin/clickhouse-server ] || [ -x /usr/bin/clickhouse-server ]; then
    if command -v clickhouse-client >/dev/null 2>&1; then
      return
    fi
  fi
  chplane_apt_install clickhouse-server clickhouse-client
}

# The tests start throwaway PostgreSQL clusters with initdb and pg_ctl from Debian's packages, unless
# CHPLANE_TEST_POSTGRES_URL names a server to use instead.
chplane_require_postgresql() {
  if [ -n "${CHPLANE_TEST_POSTGRES_URL:-}" ]; then
    return
  fi
  local bin
  for bin in /usr/lib/postgresql/*/bin; do
    if [ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ]; then
      return
    fi
  done
  chplane_apt_install postgresql
}

# The Prometheus tests run promtool and a throwaway Prometheus server (their own port and storage;
# a system prometheus the package may start is not used).
chplane_require_prometheus() {
  if [ -x /usr/bin/prometheus ] && [ -x /usr/bin/promtool ]; then
    return
  fi
  chplane_apt_install prometheus
}

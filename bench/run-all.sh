#!/usr/bin/env bash
# Runs every benchmark in bench/ one after the other. Result lines go to stdout, progress to stderr.
# Each script starts (and stops) its own chplane on a temp data dir and free ports (and the Kafka
# script its own broker).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for script in create-to-first-query.sh get-service-throughput.sh backup-throughput.sh kafka-pipe-throughput.sh \
    insert-formats.sh row-check.sh edge-overhead.sh edge-load.sh wake-time.sh replicas.sh; do
  printf '[%s] === bench/%s\n' "$(date +%T)" "$script" >&2
  "$here/$script"
done

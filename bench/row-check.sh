#!/usr/bin/env bash
# What a pipe's CPU spends per message before the insert: the Kafka bench's 200-byte JSON messages
# (bench/kafka-pipe-throughput.sh) through the check that lets a message that already is the row go
# to ClickHouse as it is (dev.chplane.pipes.VerbatimRows), against the full mapping every other
# message takes (decode with Jackson, convert each value, write JSON again; the baseline). One
# thread, in this JVM only: no broker, no server.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need java openjdk-17-jdk-headless
need mvn maven
bench_init
test_classpath dev.chplane.pipes.RowCheckBench
java -Xmx1g -cp "$TEST_CP" dev.chplane.pipes.RowCheckBench "${MESSAGES:-200000}"

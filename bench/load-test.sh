#!/usr/bin/env bash
# Load test of the HTTP service (autoglm-server) on loopback, bounded in time (about 2.5 minutes):
# closed-loop concurrency 1/4/16/64 on /v1/embeddings (texts; pictures as data URLs) with
# micro-batching on (32 items, 2 ms window) and off (1 item per model call) in the same run, the
# embedding cache off; then an open-loop overload at twice the batched peak rate with the default
# queue (256): errors should be 429s only, admitted p99 bounded, resident memory flat.
# Writes bench/results/load-test.{txt,json}.
#
#   bench/load-test.sh [--seconds 6] [--rounds 3] [--overload-seconds 12] [--model DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/results
mkdir -p "$OUT"
JAR=autoglm-cli/target/autoglm-cli-0.1.0-SNAPSHOT.jar
if [[ ! -f $JAR || -n $(find autoglm-*/src pom.xml */pom.xml -newer "$JAR" -type f | head -1) ]]; then
  echo "building..." >&2
  ./mvnw -q -o -DskipTests package >&2 || ./mvnw -q -DskipTests package >&2
fi
export TORCH_CPP_LOG_LEVEL=ERROR
{
  echo "# Load test: autoglm serve on loopback, bundled model, /v1/embeddings"
  echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average at start:$(cut -d' ' -f1-3 /proc/loadavg | sed 's/^/ /')"
  echo "java:    $(java -version 2>&1 | head -1)"
  echo "commit:  $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- autoglm-server autoglm-cli autoglm-core || echo '+dirty')"
  java -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$JAR:autoglm-cli/target/lib/*" io.openautoglm.cli.bench.LoadTest --json "$OUT/load-test.json" "$@" \
    2> >(grep -v -E 'AutoNonVariableTypeMode|CudaUtils' >&2)
  echo "load average at end:  $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/load-test.txt"

#!/usr/bin/env bash
# Load test of the HTTP service on loopback, bounded in time (about 3.5 minutes at the defaults).
# The servers are `autoglm serve --port 0` child processes (started by the load client, which runs
# in its own JVM and reads their `listening on` line), so client and server do not share a heap.
# Closed-loop concurrency 1/4/16/64 on /v1/embeddings (texts; pictures as data URLs) and
# /api/search (text queries against the demo gallery, or --index DIR), with micro-batching on
# (32 items, 2 ms window) and off (1 item per model call) in the same run, alternating in short
# rounds, the embedding cache off and no fusion model loaded; then, after a 2 s warm-up, an
# open-loop overload at twice the batched peak picture rate against a default `autoglm serve`
# (queue 256, --max-in-flight 256, --max-queue-ms 1000): errors should be 429s only (answered at once), admitted p99
# bounded, the server's resident memory (VmRSS) flat.
# Writes bench/results/load-test.{txt,json} (LOAD_TEST_OUT=DIR writes there instead, e.g. for a
# short smoke run that must not replace the committed results).
#
#   bench/load-test.sh [--seconds 6] [--rounds 3] [--overload-seconds 12] [--overload-rate R] [--model DIR]
#                      [--index DIR | --gallery-dir DIR]
#
# --extreme-aspect [--seconds 30] [--normal-clients 4] [--extreme-clients 2]: instead, normal traffic
# on /v1/embeddings alone, then beside clients looping 1 x 16,777,216 and 16 x 1,048,576 pictures
# (issue 16); writes bench/results/load-test-extreme-aspect.{txt,json}.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${LOAD_TEST_OUT:-bench/results}"
mkdir -p "$OUT"
source bench/lib/cli-jar.sh
export TORCH_CPP_LOG_LEVEL=ERROR
if [[ ${1:-} == --extreme-aspect ]]; then
  shift
  {
    echo "# Load test, extreme-aspect pictures beside normal traffic: autoglm serve (child process), bundled model"
    echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "machine: nproc $(nproc), load average at start:$(cut -d' ' -f1-3 /proc/loadavg | sed 's/^/ /')"
    echo "commit:  $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- autoglm-server autoglm-cli autoglm-core || echo '+dirty')"
    java -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
      -cp "$BENCH_CP" io.openautoglm.bench.ExtremeAspectLoad --json "$OUT/load-test-extreme-aspect.json" "$@" \
      2> >(grep -v -E 'AutoNonVariableTypeMode|CudaUtils' >&2)
    echo "load average at end:  $(cut -d' ' -f1-3 /proc/loadavg)"
  } | tee "$OUT/load-test-extreme-aspect.txt"
  exit 0
fi
{
  echo "# Load test: autoglm serve (child processes) on loopback, bundled model, /v1/embeddings and /api/search"
  echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average at start:$(cut -d' ' -f1-3 /proc/loadavg | sed 's/^/ /')"
  echo "java:    $(java -version 2>&1 | head -1)"
  echo "commit:  $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- autoglm-server autoglm-cli autoglm-core || echo '+dirty')"
  java -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$BENCH_CP" io.openautoglm.bench.LoadTest --json "$OUT/load-test.json" "$@" \
    2> >(grep -v -E 'AutoNonVariableTypeMode|CudaUtils' >&2)
  echo "load average at end:  $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/load-test.txt"

#!/usr/bin/env bash
# In-process throughput of the bundled model by batch size (no HTTP): texts with the columns up to
# the batch's last end token (what embedTexts runs) against the same ids at the full context, in
# the same run, and pictures. The ceiling micro-batching can reach in the server.
# Writes bench/results/model-batch-scaling.txt.
#
#   bench/model-batch-scaling.sh [MODEL_DIR] [SECONDS_PER_POINT]
set -euo pipefail
cd "$(dirname "$0")/.."
model="${1:-models/autoglm-shapes-tiny}"
seconds="${2:-2}"
source bench/lib/cli-jar.sh
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
./autoglm data shapeworld --out "$work/data" --count 40 --seed 3 --splits 0,0,1 >/dev/null
mkdir -p bench/results
{
  echo "# bench/model-batch-scaling.sh $model $seconds"
  echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: nproc $(nproc), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "commit:  $(git rev-parse --short HEAD)"
  java -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$BENCH_CP" \
    io.openautoglm.bench.ModelBatchScaling --model "$model" --pictures "$work/data/images" --seconds "$seconds" 2> >(grep -v -E 'AutoNonVariableTypeMode' >&2)
} | tee bench/results/model-batch-scaling.txt

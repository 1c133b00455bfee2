#!/usr/bin/env bash
# Our fp32 backends on the bundled model, in process: DJL/libtorch against ONNX Runtime on an export
# of the same weights (autoglm export onnx's OnnxExporter, into a temporary folder), images/s and
# texts/s at batch 1 / 8 / 32, the same thread count for both. The ViT-B/32 table with int8 is
# onnx-int8's benchmark; this is the quick figure for docs/inference.md.
# Writes bench/results/onnx-backend.txt.
#
#   bench/onnx-backend.sh [MODEL_DIR] [THREADS]
set -euo pipefail
cd "$(dirname "$0")/.."
model="${1:-models/autoglm-shapes-tiny}"
threads="${2:-2}"
source bench/lib/cli-jar.sh
# The malloc settings ./autoglm applies (tools/malloc-tuning.env), so DJL runs as users run it.
while IFS='=' read -r name value; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  [[ -n "${!name:-}" ]] || export "$name=$value"
done < tools/malloc-tuning.env
mkdir -p bench/results
{
  echo "# bench/onnx-backend.sh $model $threads"
  echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "commit:  $(git rev-parse --short HEAD)"
  nice java -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$BENCH_CP" \
    io.openautoglm.bench.OnnxBackendBenchmark --model "$model" --threads "$threads" 2> >(grep -v -E 'AutoNonVariableTypeMode|CudaUtils' >&2)
} | tee bench/results/onnx-backend.txt

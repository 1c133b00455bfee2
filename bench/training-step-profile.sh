#!/usr/bin/env bash
# Where one training step's time goes: TrainingBenchmark --profile (tiny preset, conv stem, batch 128)
# writes a libtorch Chrome trace of one step after warm-up; tools/trace-summary.py lists self time per
# op and the largest element-wise and matrix ops by shape. Run twice, with the MKL vendor shim loaded
# both times (on AMD) and glibc malloc first as configured by default, then with tools/malloc-tuning.env.
# Writes bench/results/training-step-profile.txt.
#
#   bench/training-step-profile.sh
#
# Needs: Java 17, python3; a C compiler for the shim on AMD.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/cli-jar.sh
SHIM=$PWD/tools/mkl-on-amd/libmkl_intel_cpu.so
[[ -f $SHIM ]] || tools/mkl-on-amd/build.sh >&2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export TORCH_CPP_LOG_LEVEL=ERROR
mapfile -t MALLOC < <(grep -v -e '^#' -e '^$' tools/malloc-tuning.env)
OUT=bench/results/training-step-profile.txt
{
  echo "# One training step profiled (tiny preset, conv stem, batch 128, 2 intra-op threads), MKL shim loaded"
  echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') ($(grep -m1 vendor_id /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), load average before start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "commit:  $(git rev-parse --short HEAD)"
  for side in default-malloc tuned-malloc; do
    envs=(LD_PRELOAD="$SHIM")
    [[ $side == tuned-malloc ]] && envs+=("${MALLOC[@]}")
    echo; echo "== $side =="
    env "${envs[@]}" java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1 \
      -cp "$BENCH_CP" io.openautoglm.bench.TrainingBenchmark --threads 2 --patch-stem conv \
      --batches 128 --reps 3 --profile "$TMP/$side" 2> >(grep -v -E ' (INFO|WARN) ' >&2) | grep -E '^(batch|128 )'
    python3 tools/trace-summary.py "$TMP/$side-train-b128.json" 10
  done
} > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
cat "$OUT"

#!/usr/bin/env bash
# Lucene HNSW (float32 and int8) against the exact scan on synthetic unit vectors: build time,
# disk size, segments, recall@10 against exact search, queries/s on 1 and 2 threads, ratio to the
# exact scan. For int8 also "int8+rerank": the top C by quantized score re-scored with the stored
# float vectors, as `autoglm search --rerank C` does. Writes RESULTS/vector-index-<data>-<n>.txt for each data set.
#
#   bench/vector-index.sh [N] [DIM] [BENCHMARK OPTIONS...]      (defaults: 100000 512)
#
# Benchmark options (io.openautoglm.bench.VectorIndexBenchmark) go after N and DIM and win over
# the script's: --reuse, --force-merge, --m M, --beam B, --quantization none,int8, --candidates 100,200,400,
# --queries Q, --commit-every N, --progress-seconds S, --truth FILE, --fresh-truth.
#
# Environment:
#   DATA="random clustered"  the data sets, in this order
#   WORK=DIR      keep the index folders, their build logs (NAME.build.json) and the ground-truth file
#                 (the exact scan's answers and timings) in DIR, so that a later run with --reuse measures
#                 them again without rebuilding, or continues an interrupted build; default: a temporary
#                 folder removed at the end
#   RESULTS=DIR   where the .txt results go (default: bench/results)
#   XMX=5g        JVM heap; default 2 x the vectors' bytes + 1 GiB, at least 2 GiB (the exact scan holds
#                 the only in-memory copy of the vectors: 2 GB at 1M x 512; HNSW builds replay them)
#
# A million vectors, niced, in the background, resumable (about 2.1 GB of disk per float index, 2.6 GB int8):
#   mkdir -p /tmp/bench-1m && DATA=clustered WORK=/tmp/bench-1m/work RESULTS=/tmp/bench-1m \
#     nohup nice -n 19 bench/vector-index.sh 1000000 512 --reuse > /tmp/bench-1m/run.log 2>&1 &
# Progress (vectors/s, ETA, heap) goes to run.log every 30 s; run the same command again after a kill.
set -euo pipefail
cd "$(dirname "$0")/.."
N=100000
DIM=512
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then N=$1; shift; fi
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then DIM=$1; shift; fi
DATA="${DATA:-random clustered}"
RESULTS="${RESULTS:-bench/results}"
XMX="${XMX:-$(( (N * DIM * 4 * 2) / 1048576 + 1024 < 2048 ? 2048 : (N * DIM * 4 * 2) / 1048576 + 1024 ))m}"

source bench/lib/cli-jar.sh
if [[ -n ${WORK:-} ]]; then
  work="$WORK"
  mkdir -p "$work"
else
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi
# Run from a copy of the class path: a rebuild of this checkout during a run of hours must not
# swap jars under the running JVM.
rm -rf "$work/classpath"
mkdir -p "$work/classpath" "$RESULTS"
cp -r autoglm-bench/target/classes autoglm-bench/target/lib "$work/classpath/"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo +changes)"

for data in $DATA; do
  out="$RESULTS/vector-index-$data-$N.txt"
  echo "# bench/vector-index.sh $N $DIM $* with DATA=$data (commit $commit, java -Xmx$XMX, $(date -u +%FT%TZ))" | tee "$out"
  java -Xmx"$XMX" -cp "$work/classpath/classes:$work/classpath/lib/*" io.openautoglm.bench.VectorIndexBenchmark \
    --n "$N" --dim "$DIM" --data "$data" --queries 200 --candidates 100,200,400 --dir "$work" "$@" \
    | tee -a "$out"
done

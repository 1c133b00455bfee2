#!/usr/bin/env bash
# Text->image R@1/R@10 through the index on 1,000 unseen ShapeWorld pictures (seed 2) with the
# bundled model: HNSW float32 and int8 against exact search, same embeddings.
# Writes bench/results/search-quality.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
model="${1:-models/autoglm-shapes-tiny}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p bench/results
source bench/lib/cli-jar.sh
./autoglm data shapeworld --out "$work/test" --count 1000 --seed 2 --splits 0,0,1 >/dev/null
java -cp "$BENCH_CP" -Dai.djl.offline=true io.openautoglm.bench.SearchQualityBenchmark \
  --model "$model" --manifest "$work/test/test.jsonl" --dir "$work/index" 2>/dev/null | tee bench/results/search-quality.txt

#!/usr/bin/env bash
# Lucene HNSW (float32 and int8) against the exact scan on synthetic unit vectors: build time,
# disk size, recall@10 against exact search, queries/s on 1 and 2 threads, ratio to the exact scan.
# Writes bench/results/vector-index-<data>-<n>.txt for each run.
#
#   bench/vector-index.sh [N] [DIM]        (defaults: 100000 512; runs random and clustered)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100000}"
DIM="${2:-512}"
JAR=autoglm-cli/target/autoglm-cli-0.1.0-SNAPSHOT.jar
if [[ ! -f $JAR || -n $(find autoglm-*/src -newer "$JAR" -type f | head -1) ]]; then
  echo "building..." >&2
  ./mvnw -q -DskipTests install >&2
fi
mkdir -p bench/results
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for data in random clustered; do
  java -Xmx8g -cp "autoglm-cli/target/classes:autoglm-cli/target/lib/*" io.openautoglm.cli.bench.VectorIndexBenchmark \
    --n "$N" --dim "$DIM" --data "$data" --queries 200 --candidates 100,200,400 --dir "$work" \
    | tee "bench/results/vector-index-$data-$N.txt"
done

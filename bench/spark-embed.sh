#!/usr/bin/env bash
# Pictures per second of `autoglm spark embed` in local[2] against the single-process `autoglm index
# build` on the same pictures with the bundled model, both through the launcher as a user runs them.
# Also: the Spark re-run that finds everything done (each picture read and hashed, none embedded).
#
#   bench/spark-embed.sh            (COUNT=4000 MASTER=local[2] WORK=/tmp/autoglm-spark-bench OUT=bench/results/spark-embed.txt)
#
# Needs Java 17 and jq. The first run builds the CLI and the Spark module (Spark: about 200 MB into ~/.m2).
# "job s" is the command's own figure (Spark: from the context's start to the last partition; index
# build: embedding and commits); "wall s" is the whole command, JVM, model load and Spark start included.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT="${COUNT:-4000}"
MASTER="${MASTER:-local[2]}"
WORK="${WORK:-/tmp/autoglm-spark-bench}"
OUT="${OUT:-bench/results/spark-embed.txt}"
command -v jq >/dev/null || { echo "spark-embed: needs jq (apt-get install jq)" >&2; exit 1; }
rm -rf "$WORK"
mkdir -p "$WORK" "$(dirname "$OUT")"

./autoglm --version >/dev/null         # builds the CLI when needed, outside the timings
./autoglm spark --version >/dev/null   # builds the Spark module when needed
./autoglm data shapeworld --out "$WORK/pictures" --count "$COUNT" --seed 11 --splits 1,0,0 >/dev/null

# wall CMD...: runs CMD with its stdout to $WORK/last.json, prints the wall seconds
wall() {
  local start end
  start=$(date +%s.%N)
  "$@" > "$WORK/last.json" 2> "$WORK/last.err" || { cat "$WORK/last.err" >&2; exit 1; }
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

manifest="$WORK/pictures/train.jsonl"
index_wall=$(wall ./autoglm index build --index "$WORK/index" --manifest "$manifest" --format json)
index_job=$(jq .seconds "$WORK/last.json"); index_n=$(jq .added "$WORK/last.json")
spark_wall=$(wall ./autoglm spark embed --manifest "$manifest" --out "$WORK/vectors" --master "$MASTER" --format json)
spark_job=$(jq .seconds "$WORK/last.json"); spark_n=$(jq .embedded "$WORK/last.json"); parts=$(jq .partitions "$WORK/last.json")
again_wall=$(wall ./autoglm spark embed --manifest "$manifest" --out "$WORK/vectors" --master "$MASTER" --format json)
again_job=$(jq .seconds "$WORK/last.json"); again_n=$(jq .embedded "$WORK/last.json"); again_same=$(jq .unchanged "$WORK/last.json")

java_home_java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

rate() { echo "scale=1; $1 / $2" | bc -l; }
{
  echo "# autoglm spark embed ($MASTER) against autoglm index build (one process), same $COUNT ShapeWorld pictures (64 px, seed 11), bundled model"
  echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "java:    $("$java_home_java" -version 2>&1 | head -1)"
  echo "commit:  $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)')"
  echo
  printf '%-44s %8s %8s %10s %12s\n' "run" "pictures" "job s" "wall s" "pictures/s*"
  printf '%-44s %8d %8.1f %10.1f %12s\n' "autoglm index build (Lucene HNSW, batch 32)" "$index_n" "$index_job" "$index_wall" "$(rate "$index_n" "$index_job")"
  printf '%-44s %8d %8.1f %10.1f %12s\n' "autoglm spark embed $MASTER, $parts partitions" "$spark_n" "$spark_job" "$spark_wall" "$(rate "$spark_n" "$spark_job")"
  printf '%-44s %8d %8.1f %10.1f %12s\n' "spark embed again (all $again_same unchanged)" "$again_n" "$again_job" "$again_wall" "-"
  echo
  echo "* embedded pictures per second of job time. Spark's share of the wall time is its JVM and context start."
  echo "spark/index ratio (job): $(echo "scale=2; ($spark_n / $spark_job) / ($index_n / $index_job)" | bc -l)"
  echo "(that the vectors agree with autoglm embed, cosine >= 0.9999, is SparkEmbedJobTest's job, on 2,000 pictures)"
} | tee "$OUT"

#!/usr/bin/env bash
# Where one defect inspection's time goes (tools/defects-probe/LatencyProbe.java, in-process medians per
# stage) and how often the category is recognised right, on the development set (seed 11, 100 a category,
# 128 px) with a detector fitted on its train pictures. PROFILE_JAR=path/to/autoglm-cli jar profiles another
# build (its lib/ beside it), e.g. an earlier commit's, for a before/after.
# Usage: [PROFILE_JAR=J] bench/defects-profile.sh [OUT]   (default bench/results/defects-profile.txt; run with nice)
set -euo pipefail
OUT=${1:-bench/results/defects-profile.txt}
source bench/lib/cli-jar.sh
PROFILE_JAR=${PROFILE_JAR:-$JAR}
CP="$PROFILE_JAR:$(dirname "$PROFILE_JAR")/lib/*"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
run() { java -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" io.openautoglm.cli.AutoglmCli "$@"; }
{
  echo "# bench/defects-profile.sh  ($(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), jar $PROFILE_JAR)"
  run data defects --out "$WORK/set" --count 100 --seed 11 --size 128 >/dev/null 2>&1
  run defects fit --manifest "$WORK/set/train.jsonl" --out "$WORK/det" 2>/dev/null | cut -c1-80
  javac -d "$WORK/classes" -cp "$CP" tools/defects-probe/LatencyProbe.java
  java -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$WORK/classes:$CP" \
      io.openautoglm.defects.LatencyProbe "$WORK/det" "$WORK/set" 2>/dev/null
} | tee "$OUT"

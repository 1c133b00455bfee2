#!/usr/bin/env bash
# FILIP scoring with the bundled model (issue 20.3): `eval retrieval` with --scorer pooled and
# --scorer filip on unseen ShapeWorld pictures (the model was trained pooled: its per-patch and
# per-token projections were never trained for FILIP), and the cost of `search --rerank N
# --reranker filip`, which recomputes each candidate's patch embeddings from its picture file:
# wall time of the same text search with --rerank N against --rerank 0 (medians of REPS runs, JVM
# start and model load included in both, so the difference is the re-ranking), divided by N.
#
#   nice bench/filip-scoring.sh [TEST_COUNT [OUTPUT]]   (default 300 pictures, bench/results/filip-scoring.txt)
set -euo pipefail
cd "$(dirname "$0")/.."
TEST_COUNT="${1:-300}"
out="${2:-bench/results/filip-scoring.txt}"
RERANK="${RERANK:-200}"
REPS="${REPS:-3}"
MODEL=models/autoglm-shapes-tiny
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$(dirname "$out")"
source bench/lib/cli-jar.sh

./autoglm data shapeworld --out "$work/test" --count "$TEST_COUNT" --seed 2 --splits 0,0,1 >/dev/null 2>&1
test="$work/test/test.jsonl"
{
  echo "# FILIP scoring with $MODEL (trained pooled) on $TEST_COUNT unseen ShapeWorld pictures (seed 2)"
  echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit:  ${COMMIT:-$(git rev-parse --short HEAD)}"
  echo "machine: nproc $(nproc), load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (a shared host: times are contended)"
  echo
  printf '%-8s %-7s %8s %8s %8s %8s\n' scorer queries "t->i R@1" "t->i MRR" "i->t R@1" "i->t MRR"
} | tee "$work/table.txt"
for scorer in pooled filip; do
  for first in --first-caption-only ""; do
    j=$(./autoglm eval retrieval --model "$MODEL" --manifest "$test" --scorer "$scorer" $first --format json 2>/dev/null)
    /usr/bin/env python3 - "$scorer" "${first:-all}" "$j" <<'PY' | tee -a "$work/table.txt"
import json, sys
r = json.loads(sys.argv[3])
t, i = r["text_to_image"], r["image_to_text"]
q = "first" if sys.argv[2] != "all" else "all"
print("%-8s %-7s %8.3f %8.3f %8.3f %8.3f" % (sys.argv[1], q, t["R@1"], t["MRR"], i["R@1"], i["MRR"]))
PY
  done
done

./autoglm index build --index "$work/index" --manifest "$test" --model "$MODEL" --kind exact >/dev/null 2>&1
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timed() { local t0 t1; t0=$(date +%s%N); ./autoglm search --index "$work/index" --text "a red circle above a blue square" -k 10 "$@" >/dev/null; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000000 )); }
plain=$(for r in $(seq "$REPS"); do timed --rerank 0; done | median)
filip=$(for r in $(seq "$REPS"); do timed --rerank "$RERANK" --reranker filip; done | median)
{
  echo
  echo "search --rerank $RERANK --reranker filip: median wall ${filip} ms vs ${plain} ms without re-ranking ($REPS runs each)"
  echo "re-ranking cost: $(( (filip - plain) * 1000 / RERANK )) us per re-ranked picture (decode + preprocess + image-tower forward + token-wise scoring)"
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee -a "$work/table.txt"
cp "$work/table.txt" "$out"

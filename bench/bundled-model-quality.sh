#!/usr/bin/env bash
# Quality of the bundled model on 1,000 ShapeWorld pictures it has never seen (seed 2; it was
# trained on seed 1): retrieval, zero-shot colour and shape on single-object pictures, and the
# compositional checks. Usage: bench/bundled-model-quality.sh [MODEL [OUTPUT]]; writes
# bench/results/bundled-model-quality.txt by default.
set -euo pipefail
cd "$(dirname "$0")/.."
model="${1:-models/autoglm-shapes-tiny}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
out="${2:-bench/results/bundled-model-quality.txt}"
mkdir -p bench/results

./autoglm data shapeworld --out "$work/test" --count 1000 --seed 2 --splits 0,0,1 >/dev/null
test="$work/test/test.jsonl"
# Single-object pictures with their caption's shape word swapped for each other shape: does the
# model tell shapes apart when colour and size are given?
/usr/bin/env python3 - "$test" "$work/shape-swaps.jsonl" <<'PY' 2>/dev/null || true
import json, sys
shapes = ["circle", "square", "triangle", "diamond", "star", "cross"]
by_size = {size: open(sys.argv[2].replace("shape-swaps", "single-" + size), "w") for size in ("small", "large")}
with open(sys.argv[2], "w") as out:
    for line in open(sys.argv[1]):
        d = json.loads(line)
        if d.get("num_objects") != 1:
            continue
        cap = d["caption"]
        negs = [cap.replace(d["shape"], s) for s in shapes if s != d["shape"]]
        out.write(json.dumps({"image": "test/" + d["image"], "caption": cap, "hard_negatives": negs}) + "\n")
        by_size[d["size"]].write(json.dumps({"image": "test/" + d["image"], "caption": cap, "shape": d["shape"]}) + "\n")
PY
{
  echo "# Bundled model quality on 1,000 unseen ShapeWorld pictures (seed 2, 64 px)"
  echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "model:   $model (weights sha256 $(sha256sum "$model/model.safetensors" | cut -c1-16)...)"
  echo "commit:  $(git rev-parse --short HEAD)"
  echo
  echo "## retrieval, each picture's full caption as the query (--first-caption-only)"
  ./autoglm eval retrieval --model "$model" --manifest "$test" --first-caption-only 2>/dev/null
  echo
  echo "## zero-shot colour, single-object pictures, template \"a {}\""
  ./autoglm eval zero-shot --model "$model" --manifest "$test" --label-key color --template "a {}" 2>/dev/null
  echo
  echo "## zero-shot shape, single-object pictures, template \"a {}\""
  ./autoglm eval zero-shot --model "$model" --manifest "$test" --label-key shape --template "a {}" \
    --confusion-csv "$work/shape-confusion.csv" 2>/dev/null
  echo "confusion (rows: true shape, columns: predicted):"
  cat "$work/shape-confusion.csv"
  for size in small large; do
    if [[ -s "$work/single-$size.jsonl" ]]; then
      echo
      echo "## zero-shot shape, $size single objects only, template \"a {}\""
      ./autoglm eval zero-shot --model "$model" --manifest "$work/single-$size.jsonl" --label-key shape --template "a {}" 2>/dev/null
    fi
  done
  echo
  echo "## compositional: true caption vs its swapped twin (ShapeWorld hard negatives)"
  ./autoglm eval compositional --model "$model" --manifest "$test" 2>/dev/null
  if [[ -s "$work/shape-swaps.jsonl" ]]; then
    echo
    echo "## shape given colour and size: \"a large red circle\" vs the same caption with each other shape"
    ./autoglm eval compositional --model "$model" --manifest "$work/shape-swaps.jsonl" 2>/dev/null
  fi
} | tee "$out"

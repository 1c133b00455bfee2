#!/usr/bin/env bash
# ShapeWorld's spatial questions ("where is the A relative to the B?") answered by each checkpoint of a
# training run: the first 400 of the validation split, in manifest order. Shows when a run starts to
# read where the objects are (docs/fusion.md, "How the relation questions stopped being at chance").
#
#   bench/checkpoint-spatial.sh [RUN_DIR [OUTPUT]]
set -euo pipefail
cd "$(dirname "$0")/.."
run="${1:-runs/shapes-tiny-fusion-grounding}"
out="${2:-bench/results/checkpoint-spatial.txt}"
val=data/shapeworld/val.jsonl
{
  echo "# spatial questions per checkpoint of $run (first 400 of $val)"
  echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit:  $(git rev-parse --short HEAD)"
  for ckpt in "$run"/checkpoints/step-*; do
    printf '%s  ' "$(basename "$ckpt")"
    ./autoglm eval vqa --model "$ckpt" --manifest "$val" --question-keys spatial_qa --limit 400 2>/dev/null | sed -n 2p
  done
} | tee "$out"

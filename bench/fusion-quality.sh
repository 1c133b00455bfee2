#!/usr/bin/env bash
# Quality of the bundled fusion model (matching, question answering, captioning) on 1,000
# ShapeWorld pictures it has never seen (seed 2; it was trained on seed 1): VQA accuracy per
# question type (official VQA v2 formula), caption BLEU/ROUGE-L/CIDEr-D (greedy and beam 3)
# against each picture's generator captions, text->image R@K before and after re-ranking the top 20
# with the matching head (queries: every caption with a twisted twin), and the compositional check by
# cosine and by matching. The VQA and COCO
# files it writes are scored again with `autoglm metrics` to show both paths agree.
# Writes bench/results/fusion-quality.txt, or OUTPUT.
#
#   bench/fusion-quality.sh [MODEL_DIR [DUAL_ENCODER_DIR [OUTPUT]]]
set -euo pipefail
cd "$(dirname "$0")/.."
model="${1:-models/autoglm-shapes-tiny-fusion}"
dual="${2:-models/autoglm-shapes-tiny}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
out="${3:-bench/results/fusion-quality.txt}"
mkdir -p bench/results

./autoglm data shapeworld --out "$work/data" --count 1000 --seed 2 --splits 0,0,1 >/dev/null
test="$work/data/test.jsonl"
{
  echo "# Fusion model quality on 1,000 unseen ShapeWorld pictures (seed 2, 64 px)"
  echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "model:   $model (weights sha256 $(sha256sum "$model/model.safetensors" | cut -c1-16)...)"
  echo "commit:  $(git rev-parse --short HEAD)"
  echo
  echo "## visual question answering (every question of every picture)"
  ./autoglm eval vqa --model "$model" --manifest "$test" --out "$work/vqa" 2>/dev/null
  echo "### the written VQA v2 files scored by autoglm metrics vqa"
  ./autoglm metrics vqa --annotations "$work/vqa/annotations.json" --results "$work/vqa/results.json" | head -2
  echo "### ShapeWorld's spatial questions (\"where is the A relative to the B?\", a training aid; not in the figure above)"
  ./autoglm eval vqa --model "$model" --manifest "$test" --question-keys spatial_qa 2>/dev/null | head -2
  echo
  echo "## captioning, greedy"
  ./autoglm eval caption --model "$model" --manifest "$test" --out "$work/cap" 2>/dev/null
  echo "### the written COCO files scored by autoglm metrics caption"
  ./autoglm metrics caption --annotations "$work/cap/annotations.json" --results "$work/cap/results.json"
  echo "### first five captions"
  /usr/bin/env python3 -c "import json,sys; [print('  ' + r['caption']) for r in json.load(open(sys.argv[1]))[:5]]" "$work/cap/results.json"
  echo
  echo "## captioning, beam 3"
  ./autoglm eval caption --model "$model" --manifest "$test" --beam 3 2>/dev/null
  echo
  echo "## re-ranking the top 20 with the matching head (queries: captions with hard negatives)"
  echo "### first stage: the fusion model's own dual encoder"
  ./autoglm eval rerank --model "$model" --manifest "$test" --top 20 2>/dev/null
  echo "### first stage: the bundled dual encoder ($dual)"
  ./autoglm eval rerank --model "$model" --retriever "$dual" --manifest "$test" --top 20 2>/dev/null
  echo
  echo "## compositional check: true caption vs its twisted twins"
  echo "### cosine of the fusion model's dual encoder"
  ./autoglm eval compositional --model "$model" --manifest "$test" 2>/dev/null
  echo "### matching head"
  ./autoglm eval compositional --model "$model" --manifest "$test" --scorer matching 2>/dev/null
  echo "### cosine of the bundled dual encoder ($dual)"
  ./autoglm eval compositional --model "$dual" --manifest "$test" 2>/dev/null
} | tee "$out"

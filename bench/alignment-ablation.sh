#!/usr/bin/env bash
# Alignment ablation on ShapeWorld (issues 20 and 22.5): the bundled recipe (configs/shapes-tiny.yaml)
# against each addition alone, same data, steps and seed: the triplet loss with hardest in-batch
# negatives, the momentum encoder with a negative queue and momentum distillation, the hypergradient
# learning rate; and the mini student (configs/student.yaml) with and without distillation from the
# bundled model. Each model is scored on 1,000 unseen pictures (seed 2) as bench/bundled-model-quality.sh
# does: text->image R@1 (first caption), zero-shot shape (template "a {}"), compositional twins
# (true caption vs its swapped twin); samples/s from metrics.jsonl timestamps (steps 10..end, data
# loading included). R@1 is scored with the similarity each model was trained for (eval retrieval's
# default: FILIP for model.similarity=filip), zero-shot and twins with pooled embeddings. The
# finetune-* pair starts from the bundled model (a tenth of the recipe's rate). The runs are far shorter than the bundled model's 3,000 steps, so the figures
# compare the additions with each other, not with the bundled model.
#
#   nice bench/alignment-ablation.sh [STEPS [OUTPUT]]    (default 30 steps of BATCH=64, bench/results/alignment-ablation.txt)
#   ONLY=name,name... runs only those variants (names as in VARIANTS below); each run's metrics.jsonl is kept
#   beside OUTPUT as OUTPUT-without-.txt.NAME.metrics.jsonl.
#   BATCH=128 TEST_COUNT=1000 TRAIN_COUNT=10000 nice bench/alignment-ablation.sh 1000   (a run worth comparing, on a quiet host)
# Run from a copy of the tree: ./autoglm rebuilds when a main source is newer than its jar.
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS="${1:-30}"
BATCH="${BATCH:-64}"
TEST_COUNT="${TEST_COUNT:-300}"
TRAIN_COUNT="${TRAIN_COUNT:-2000}"
out="${2:-bench/results/alignment-ablation.txt}"
WARMUP=$(( STEPS / 15 > 1 ? STEPS / 15 : 1 ))
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p bench/results "$(dirname "$out")"
source bench/lib/cli-jar.sh

./autoglm data shapeworld --out "$work/data" --count "$TRAIN_COUNT" --seed 1 >/dev/null 2>&1
./autoglm data shapeworld --out "$work/test" --count "$TEST_COUNT" --seed 2 --splits 0,0,1 >/dev/null 2>&1
test="$work/test/test.jsonl"

COMMON=(--set "data.train=$work/data/train.jsonl" --set data.val=null --set "optim.steps=$STEPS" --set "optim.warmup_steps=$WARMUP" --set "optim.batch_size=$BATCH"
  --set run.eval_every=0 --set run.checkpoint_every=0 --set run.log_every=5)

# name | config | extra --set overrides
VARIANTS=(
  "bundled-recipe|configs/shapes-tiny.yaml|"
  "+triplet-hardest|configs/shapes-tiny.yaml|loss.triplet={weight: 1.0, margin: 0.2, mining: hardest}"
  "+momentum-queue|configs/shapes-tiny.yaml|model.momentum=0.99;loss.queue_size=2048;loss.momentum_distill=0.4"
  "+hypergradient|configs/shapes-tiny.yaml|optim.hypergradient={beta: 0.1}"
  "+triplet+queue|configs/shapes-tiny.yaml|loss.triplet={weight: 1.0, margin: 0.2, mining: hardest};model.momentum=0.99;loss.queue_size=2048;loss.momentum_distill=0.4"
  "+filip|configs/shapes-tiny.yaml|model.similarity=filip"
  "finetune-pooled|configs/shapes-tiny.yaml|model.init_from=models/autoglm-shapes-tiny;optim.lr=0.0002"
  "finetune+filip|configs/shapes-tiny.yaml|model.init_from=models/autoglm-shapes-tiny;optim.lr=0.0002;model.similarity=filip"
  "mini-student|configs/student.yaml|loss.distill=null"
  "mini-student+distill|configs/student.yaml|"
)

{
  echo "# Alignment ablation: ShapeWorld $TRAIN_COUNT pictures (seed 1, 80% train), $STEPS steps of $BATCH, seed 1, warmup $WARMUP"
  echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit:  ${COMMIT:-$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- autoglm-train configs bench/alignment-ablation.sh || echo '+dirty')}"
  echo "machine: nproc $(nproc), load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (a shared host: samples/s are contended)"
  echo "scored on $TEST_COUNT unseen pictures (seed 2); distillation teacher: models/autoglm-shapes-tiny (3,000 steps of 128)"
  echo
  printf '%-22s %8s %10s %13s %10s %9s  %s\n' variant "R@1 t->i" "zs shape" "comp. twins" samples/s "wall s" "overrides"
} | tee "$work/table.txt"

for v in "${VARIANTS[@]}"; do
  IFS='|' read -r name config extra <<<"$v"
  if [[ -n ${ONLY:-} && ",$ONLY," != *",$name,"* ]]; then continue; fi
  sets=()
  if [[ -n $extra ]]; then
    IFS=';' read -ra parts <<<"$extra"
    for p in "${parts[@]}"; do sets+=(--set "$p"); done
  fi
  run="$work/runs/$name"
  t0=$(date +%s)
  ./autoglm train --config "$config" "${COMMON[@]}" "${sets[@]+"${sets[@]}"}" --set "run.out=$run" >"$work/$name.log" 2>&1 \
    || { echo "$name: training failed:"; tail -5 "$work/$name.log"; continue; }
  wall=$(( $(date +%s) - t0 ))
  cp "$run/metrics.jsonl" "${out%.txt}.$name.metrics.jsonl"
  r1=$(./autoglm eval retrieval --model "$run/model" --manifest "$test" --first-caption-only 2>/dev/null | awk '$1 == "R@1" {print $2}')
  zs=$(./autoglm eval zero-shot --model "$run/model" --manifest "$test" --label-key shape --template "a {}" 2>/dev/null | awk '$1 == "top1" {print $2}')
  comp=$(./autoglm eval compositional --model "$run/model" --manifest "$test" 2>/dev/null | awk '$1 == "accuracy" {print $2}')
  rate=$(/usr/bin/env python3 - "$run/metrics.jsonl" "$BATCH" <<'PY'
import json, sys, datetime
rows = [json.loads(l) for l in open(sys.argv[1]) if '"loss"' in l]
rows = [r for r in rows if r["step"] >= 5]
t = lambda r: datetime.datetime.fromisoformat(r["time"].replace("Z", "+00:00")).timestamp()
print("%.1f" % ((rows[-1]["step"] - rows[0]["step"]) * int(sys.argv[2]) / (t(rows[-1]) - t(rows[0]))))
PY
)
  printf '%-22s %8s %10s %13s %10s %9s  %s\n' "$name" "$r1" "$zs" "$comp" "$rate" "$wall" "${extra:-(none)}" | tee -a "$work/table.txt"
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$work/table.txt"
cp "$work/table.txt" "$out"

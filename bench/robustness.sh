#!/usr/bin/env bash
# Does training with corruptions make the bundled model more robust to them? Zero-shot shape on
# single-object ShapeWorld pictures never used for training (seed 1919; the bundled model was
# trained on seed 1, the other benchmarks test on seed 2), under the nine corruptions at
# severities 1-5 (autoglm eval robustness), for: the bundled model, and two equal fine-tunes of
# it on seed-1 pictures (same seed, steps, batches and rate) that differ only in
# data.corruptions: off, or on (all nine, probability 0.5, severity 1-5). Fine-tuning twice keeps
# the comparison fair: the extra steps alone may change the score.
# Usage: bench/robustness.sh [STEPS [OUTPUT]]; writes bench/results/robustness.txt by default.
# BATCH (default 64) is the fine-tunes' batch size; SEVERITIES (default 1-5) those the fine-tuned
# models are scored at (the table compares every model at those only); WORK=DIR keeps the runs,
# and a bundled.json already there is reused. About 30-40 min on the project's 2 shared cores when
# they are not busy (each robustness pass re-embeds every picture).
set -euo pipefail
cd "$(dirname "$0")/.."
steps="${1:-150}"
out="${2:-bench/results/robustness.txt}"
model=models/autoglm-shapes-tiny
work="${WORK:-$(mktemp -d)}"
[[ -n "${WORK:-}" ]] || trap 'rm -rf "$work"' EXIT
mkdir -p bench/results "$work"
test_count="${TEST_COUNT:-360}"
batch="${BATCH:-64}"
severities="${SEVERITIES:-1-5}"

[[ -f "$work/test/test.jsonl" ]] || ./autoglm data shapeworld --out "$work/test" --count "$test_count" --seed 1919 --splits 0,0,1 >/dev/null 2>&1
[[ -f "$work/train/train.jsonl" ]] || ./autoglm data shapeworld --out "$work/train" --count 2000 --seed 1 --splits 1,0,0 >/dev/null 2>&1

finetune() { # NAME [--set ...]: a short fine-tune of the bundled model with the bundled recipe's data settings
  local name="$1"; shift
  rm -rf "${work:?}/$name"
  ./autoglm train --config configs/shapes-tiny.yaml \
    --set "data.train=$work/train/train.jsonl" --set data.val=null --set "model.init_from=$model" \
    --set "optim.steps=$steps" --set "optim.batch_size=$batch" --set optim.lr=0.0002 --set optim.warmup_steps=5 \
    --set run.eval_every=0 --set run.checkpoint_every=0 --set "run.out=$work/$name" "$@" >"$work/$name.log" 2>&1
}
robustness() { # MODEL JSON [SEVERITIES]
  ./autoglm eval robustness --model "$1" --manifest "$work/test/test.jsonl" --task zero-shot --label-key shape \
    --template "a {}" --seed 0 --severities "${3:-1-5}" --format json >"$2" 2>>"$work/progress.log"
}

start=$(date +%s)
[[ -s "$work/bundled.json" ]] || robustness "$model" "$work/bundled.json" "$severities"
t0=$(date +%s)
finetune clean
t1=$(date +%s)
finetune corrupted --set "data.corruptions.names=[gaussian_noise, shot_noise, gaussian_blur, motion_blur, occlusion, brightness, contrast, jpeg, pixelate]" \
  --set data.corruptions.probability=0.5 --set data.corruptions.max_severity=5
t2=$(date +%s)
robustness "$work/clean/model" "$work/clean.json" "$severities"
robustness "$work/corrupted/model" "$work/corrupted.json" "$severities"
end=$(date +%s)

{
  echo "# Robustness to corruptions: zero-shot shape, single-object ShapeWorld pictures (seed 1919, 64 px, never trained on)"
  echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit:  $(git rev-parse --short HEAD)"
  echo "model:   $model (weights sha256 $(sha256sum "$model/model.safetensors" | cut -c1-16)...)"
  echo "test:    $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["clean"]["n"])' "$work/bundled.json") single-object pictures (of $test_count generated; the clean JSON's n); template \"a {}\"; corruption seed 0; chance 1/6"
  echo "tunes:   $steps steps, batch $batch, lr 2e-4 (warmup 5, cosine), from the bundled model on 2,000 seed-1 pictures, configs/shapes-tiny.yaml's data and losses;"
  echo "         'corrupted' adds data.corruptions: all nine, probability 0.5, severity 1-5; everything else equal"
  echo "time:    clean fine-tune $((t1 - t0)) s, corrupted fine-tune $((t2 - t1)) s, whole script $((end - start)) s (host load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  echo
  /usr/bin/env python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
runs = [("bundled", "bundled model"), ("clean", f"fine-tuned, no corruptions"), ("corrupted", "fine-tuned with data.corruptions")]
data = {k: json.load(open(f"{work}/{k}.json")) for k, _ in runs}
names = list(data["bundled"]["corruptions"].keys())
# Compare at the severities every model was scored at (the bundled model's JSON may hold more).
common = sorted(set.intersection(*[{p["severity"] for p in d["corruptions"][names[0]]["severities"]} for d in data.values()]))
def top1(k, n, s):
    return next(p["top1"] for p in data[k]["corruptions"][n]["severities"] if p["severity"] == s)
def mean(k, n):
    return sum(top1(k, n, s) for s in common) / len(common)
clean = {k: data[k]["clean"]["top1"] for k, _ in runs}
print(f"top1 per corruption, mean over severities {common} (relative = mean / clean)")
print(f"{'':22s}" + "".join(f"{label:>34s}" for _, label in runs))
print(f"{'clean':22s}" + "".join(f"{clean[k]:>34.4f}" for k, _ in runs))
for n in names:
    print(f"{n:22s}" + "".join(f"{mean(k, n):>23.4f} ({mean(k, n) / clean[k]:.3f})" for k, _ in runs))
print(f"{'robustness_score':22s}" + "".join(f"{sum(mean(k, n) for n in names) / len(names) / clean[k]:>34.4f}" for k, _ in runs))
print(f"{'mean corrupted top1':22s}" + "".join(f"{sum(mean(k, n) for n in names) / len(names):>34.4f}" for k, _ in runs))
print()
print("top1 per severity (all corruptions averaged)")
for k, label in runs:
    print(f"  {label:34s}" + " ".join(f"s{s} {sum(top1(k, n, s) for n in names) / len(names):.4f}" for s in common))
PY
  echo
  for k in bundled clean corrupted; do
    echo "## $k: autoglm eval robustness --format json"
    cat "$work/$k.json"
    echo
  done
  echo "## fine-tune logs (last lines)"
  for k in clean corrupted; do echo "### $k"; tail -n 4 "$work/$k.log"; done
} >"$out"
cat "$out"

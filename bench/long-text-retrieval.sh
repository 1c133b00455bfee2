#!/usr/bin/env bash
# Does embedding long texts in pooled windows help? Text->image retrieval with the bundled model
# (32-token context) on unseen ShapeWorld pictures (seed 2), each query made long by joining its
# record's caption with distractor sentences (the captions of three other, random records):
#   informative first: own caption, then the distractors   (what `--truncate` keeps is the caption)
#   informative last:  the distractors, then own caption   (a cut loses the caption)
# each scored with windows (the default) and with --truncate; the plain caption is the reference.
# Usage: bench/long-text-retrieval.sh [COUNT [OUTPUT]]; writes bench/results/long-text-retrieval.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-500}"
out="${2:-bench/results/long-text-retrieval.txt}"
model=models/autoglm-shapes-tiny
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p bench/results

./autoglm data shapeworld --out "$work/sw" --count "$count" --seed 2 --splits 0,0,1 >/dev/null
/usr/bin/env python3 - "$work/sw/test.jsonl" "$work" <<'PY'
import json, random, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
rng = random.Random(7)
def write(name, caption):
    with open(f"{sys.argv[2]}/sw/{name}.jsonl", "w") as f:
        for i, d in enumerate(rows):
            others = [rows[j]["caption"] for j in rng.sample([j for j in range(len(rows)) if j != i], 3)]
            f.write(json.dumps({"image": d["image"], "caption": caption(d["caption"], others)}) + "\n")
write("plain", lambda own, others: own)
write("first", lambda own, others: ". ".join([own] + others))
write("last", lambda own, others: ". ".join(others + [own]))
PY
r1() { # prints text->image R@1 from eval retrieval's JSON
  ./autoglm eval retrieval --model "$model" --manifest "$1" --first-caption-only --format json "${@:2}" 2>/dev/null \
    | /usr/bin/env python3 -c 'import json,sys; print("%.3f" % json.load(sys.stdin)["text_to_image"]["R@1"])'
}
tokens() { # mean tokens and windows of a manifest's first 20 captions, from `embed --format json`
  /usr/bin/env python3 - "$1" "$model" <<'PY'
import json, subprocess, sys
caps = [json.loads(l)["caption"] for l in list(open(sys.argv[1]))[:20]]
args = ["./autoglm", "embed", "--model", sys.argv[2], "--format", "json"]
for c in caps:
    args += ["--text", c]
items = json.loads(subprocess.run(args, capture_output=True, text=True, check=True).stdout)["items"]
print("%.1f tokens, %.2f windows" % (sum(i["tokens"] for i in items) / len(items), sum(i.get("windows", 1) for i in items) / len(items)))
PY
}
{
  echo "# Long texts: pooled windows against --truncate, text->image R@1, bundled model, $count unseen ShapeWorld pictures (seed 2)"
  echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "model:   $model (context 32 tokens; windows of 30 words, stride 23)"
  echo "commit:  $(git rev-parse --short HEAD)"
  echo
  echo "query lengths (first 20): plain $(tokens "$work/sw/plain.jsonl"); long $(tokens "$work/sw/last.jsonl")"
  echo
  printf "%-44s %10s %10s\n" "queries" "windows" "truncate"
  printf "%-44s %10s %10s\n" "plain caption (fits the context)" "$(r1 "$work/sw/plain.jsonl")" "$(r1 "$work/sw/plain.jsonl" --truncate)"
  printf "%-44s %10s %10s\n" "caption, then 3 distractor captions" "$(r1 "$work/sw/first.jsonl")" "$(r1 "$work/sw/first.jsonl" --truncate)"
  printf "%-44s %10s %10s\n" "3 distractor captions, then the caption" "$(r1 "$work/sw/last.jsonl")" "$(r1 "$work/sw/last.jsonl" --truncate)"
} | tee "$out"

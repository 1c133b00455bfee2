#!/usr/bin/env bash
# Runs `autoglm metrics` and the reference evaluations (tools/metrics-reference/reference_eval.py,
# tokenizing with the real Stanford CoreNLP 3.4.1 PTBTokenizer jar) on the same generated files
# and on tokenizer-cases.txt, and writes the comparison to bench/results/metrics-reference.txt.
# Needs Java 17+, Debian's /usr/bin/python3, and Maven Central once (to fetch the CoreNLP jar).
set -euo pipefail
cd "$(dirname "$0")/../.."
here=tools/metrics-reference
out=bench/results/metrics-reference.txt
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
py=/usr/bin/python3

jar="$HOME/.m2/repository/edu/stanford/nlp/stanford-corenlp/3.4.1/stanford-corenlp-3.4.1.jar"
if [[ ! -f "$jar" ]]; then
  echo "fetching stanford-corenlp 3.4.1 (the tokenizer the COCO toolkit runs) from Maven Central ..." >&2
  ./mvnw -q dependency:get -Dartifact=edu.stanford.nlp:stanford-corenlp:3.4.1 -Dtransitive=false >&2
fi

./autoglm --version >/dev/null  # builds the CLI if sources changed
cli_cp="autoglm-cli/target/autoglm-cli-0.1.0-SNAPSHOT.jar:autoglm-cli/target/lib/*"

ptb_filtered() {  # the toolkit's tokenization of each line of $1: PTB jar, then its punctuation filter
  java -cp "$jar" edu.stanford.nlp.process.PTBTokenizer -preserveLines -lowerCase "$1" 2>/dev/null | "$py" -c '
import sys
P = ["'"''"'", "'"'"'", "``", "`", "-LRB-", "-RRB-", "-LCB-", "-RCB-", ".", "?", "!", ",", ":", "-", "--", "...", ";"]
for line in sys.stdin.read().split("\n"):
    print(" ".join(w for w in line.rstrip().split(" ") if w not in P))'
}

compare_json() {  # $1 label, $2 ours, $3 reference: prints each key, both values, their difference
  "$py" - "$1" "$2" "$3" <<'PY'
import json, sys
label, ours, ref = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
def flat(d, prefix=""):
    for k, v in d.items():
        if isinstance(v, dict):
            yield from flat(v, prefix + k + ".")
        else:
            yield prefix + k, v
o, r = dict(flat(ours)), dict(flat(ref))
worst = 0.0
for k in r:
    if k not in o:
        print("  %-34s MISSING in ours" % k); worst = float("inf"); continue
    d = abs(o[k] - r[k]); worst = max(worst, d)
    print("  %-34s ours %-22r reference %-22r |diff| %.3g" % (k, o[k], r[k], d))
extra = set(o) - set(r)
if extra:
    print("  keys only in ours: %s" % sorted(extra)); worst = float("inf")
print("  %s: %s (largest |diff| %.3g)" % (label, "IDENTICAL" if worst == 0 else ("AGREE within 1e-12" if worst <= 1e-12 else "DIFFER"), worst))
PY
}

{
  echo "# autoglm metrics vs the reference evaluation code on the same files"
  echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- autoglm-eval autoglm-cli tools || echo ' (uncommitted changes)'), $(java -version 2>&1 | head -1), $($py --version)"
  echo "# reference: $here/reference_eval.py (pycocoevalcap BLEU/ROUGE-L/CIDEr-D and VQA v2 vqaEval.py, ported"
  echo "#   step for step) + stanford-corenlp-3.4.1.jar PTBTokenizer -preserveLines -lowerCase"
  "$py" -c 'import numpy' 2>/dev/null && echo "# numpy: installed (np.mean as in the toolkit)" || echo "# numpy: not installed here; np.mean replaced by a copy of NumPy's pairwise sum"
  echo "# command: $here/compare.sh"
  echo
  for spec in "1 300 5 400 0.0" "2 500 5 600 0.0" "3 200 3 300 0.1"; do
    read -r seed images refs questions drop <<<"$spec"
    d="$work/seed$seed"
    "$py" $here/generate.py --out "$d" --seed "$seed" --images "$images" --refs "$refs" --questions "$questions" --drop "$drop"
    results_n=$("$py" -c "import json; print(len(json.load(open('$d/captions_results.json'))))")
    echo "## seed $seed: $images images x $refs references, $results_n result captions; $questions VQA questions x 10 answers"
    extra=()
    [[ "$drop" != "0.0" ]] && extra=(--allow-missing-results) && echo "   ($drop of the images have no result: ours with --allow-missing-results, the toolkit scores the result images)"
    ref_c=$("$py" $here/reference_eval.py caption --ptb-jar "$jar" --annotations "$d/captions_annotations.json" --results "$d/captions_results.json" --write-tokenized "$d/tok")
    ours_c=$(java -cp "$cli_cp" io.openautoglm.cli.AutoglmCli metrics caption --annotations "$d/captions_annotations.json" --results "$d/captions_results.json" --format json "${extra[@]}")
    ours_t=$(java -cp "$cli_cp" io.openautoglm.cli.AutoglmCli metrics caption --annotations "$d/tok/captions_annotations.tok.json" --results "$d/tok/captions_results.tok.json" --format json --tokenized "${extra[@]}")
    echo "caption metrics, raw captions (our tokenizer vs the Stanford jar):"
    compare_json "captions, raw" "$ours_c" "$ref_c"
    echo "caption metrics, captions the Stanford jar tokenized (scorers alone, ours with --tokenized):"
    compare_json "captions, pre-tokenized" "$ours_t" "$ref_c"
    for version in 2021 2017; do  # today's vqaEval.py (our default) and the one before its 2021 fix
      ref_v=$("$py" $here/reference_eval.py vqa --annotations "$d/vqa_annotations.json" --results "$d/vqa_results.json" --vqa-eval $version)
      ours_v=$(java -cp "$cli_cp" io.openautoglm.cli.AutoglmCli metrics vqa --annotations "$d/vqa_annotations.json" --results "$d/vqa_results.json" --vqa-eval $version --format json)
      echo "VQA accuracy, --vqa-eval $version:"
      compare_json "VQA $version" "$ours_v" "$ref_v"
    done
    # Tokenizer, caption by caption.
    "$py" -c "
import json
a = json.load(open('$d/captions_annotations.json'))['annotations']
r = json.load(open('$d/captions_results.json'))
open('$d/lines.txt', 'w').write('\n'.join(x['caption'].replace('\n', ' ') for x in a + r))"
    ptb_filtered "$d/lines.txt" > "$d/ptb.txt"
    java -cp "$cli_cp" io.openautoglm.eval.metrics.CocoCaptionTokenizer < "$d/lines.txt" > "$d/ours.txt"
    "$py" - "$d/lines.txt" "$d/ptb.txt" "$d/ours.txt" <<'PY'
import sys
lines = open(sys.argv[1]).read().split("\n")
ptb = open(sys.argv[2]).read().split("\n")[:len(lines)]
ours = open(sys.argv[3]).read().split("\n")[:len(lines)]
same = sum(1 for p, o in zip(ptb, ours) if p == o)
print("tokenizer: %d of %d captions tokenized identically to the Stanford jar" % (same, len(lines)))
for l, p, o in zip(lines, ptb, ours):
    if p != o:
        print("  caption:   %r\n  stanford:  %r\n  ours:      %r" % (l, p, o))
PY
    echo
  done
  echo "## vqa-cases (hand-picked: digits vs number words, articles, punctuation, case, whitespace; expected files by the official code)"
  for version in 2021 2017; do
    ours_v=$(java -cp "$cli_cp" io.openautoglm.cli.AutoglmCli metrics vqa --annotations $here/vqa-cases/annotations.json --results $here/vqa-cases/results.json --vqa-eval $version --format json)
    echo "VQA accuracy, --vqa-eval $version:"
    compare_json "vqa-cases $version" "$ours_v" "$(cat $here/vqa-cases/expected-$version.json)"
  done
  echo
  echo "## tokenizer-cases.txt (hand-written hard cases: punctuation, brackets, contractions, symbols, unicode)"
  ptb_filtered $here/tokenizer-cases.txt > "$work/ptb.txt"
  java -cp "$cli_cp" io.openautoglm.eval.metrics.CocoCaptionTokenizer < $here/tokenizer-cases.txt > "$work/ours.txt"
  "$py" - $here/tokenizer-cases.txt "$work/ptb.txt" "$work/ours.txt" <<'PY'
import sys
lines = open(sys.argv[1]).read().rstrip("\n").split("\n")
ptb = open(sys.argv[2]).read().split("\n")[:len(lines)]
ours = open(sys.argv[3]).read().split("\n")[:len(lines)]
same = sum(1 for p, o in zip(ptb, ours) if p == o)
print("tokenizer: %d of %d lines tokenized identically to the Stanford jar" % (same, len(lines)))
for l, p, o in zip(lines, ptb, ours):
    if p != o:
        print("  line:      %r\n  stanford:  %r\n  ours:      %r" % (l, p, o))
PY
} | tee "$out"

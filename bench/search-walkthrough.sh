#!/usr/bin/env bash
# Cross-modal search tried as a new user would (issue 4's "Done when"), end to end with the
# launcher: a folder of a few thousand pictures, an index build killed with SIGKILL about halfway
# and run again, `index info` showing the full count, search by text and by picture, and other
# models refused with one clear line. Every command is printed ("$ ...") with its output, and the
# checks say "ok" or "FAILED"; the transcript goes to bench/results/search-walkthrough.txt.
#
#   bench/search-walkthrough.sh            (WALK=/tmp/autoglm-walkthrough COUNT=3000 STEP_TIMEOUT=1800)
#
# Needs Java 17 and jq. About a minute of work on 2 idle cores (3,000 pictures embedded at ~250/s);
# every step is bounded by STEP_TIMEOUT seconds (the wait for the halfway commit too: on a host so
# busy that it does not come, the build is killed where it is). WALK is deleted and recreated.
set -euo pipefail
cd "$(dirname "$0")/.."
WALK="${WALK:-/tmp/autoglm-walkthrough}"
COUNT="${COUNT:-3000}"
T="${STEP_TIMEOUT:-1800}"
OUT="${OUT:-bench/results/search-walkthrough.txt}"
command -v jq >/dev/null || { echo "search-walkthrough: needs jq (apt-get install jq)" >&2; exit 1; }
rm -rf "$WALK"
mkdir -p "$WALK" "$(dirname "$OUT")"
exec > >(tee "$OUT") 2>&1

fails=0
step() { printf '\n## %s\n' "$*"; }
# Progress lines ("indexing: 384/3000 (...)", "committed 512/3000"): of each block of them only the
# last progress line and the last commit line are kept, with a count of those left out.
trim() {
  awk '
    function flush() {
      kept = (lastc != "") + (lastp != "")
      if (lastc != "" && lastp != "" && atp < atc) { print lastp; print lastc } else { if (lastc != "") print lastc; if (lastp != "") print lastp }
      if (n > kept) printf "(%d more progress lines left out)\n", n - kept
      n = 0; lastc = ""; lastp = ""
    }
    /^committed [0-9]+\/[0-9]+/ { lastc = $0; atc = ++n; next }
    /^[a-z][a-z ]*: [0-9]+\/[0-9]+ / { lastp = $0; atp = ++n; next }
    { flush(); print }
    END { flush() }'
}
# The command as one could paste it: arguments with spaces or quotes in double quotes.
shown() {
  local out="" a
  for a in "$@"; do
    if [[ $a =~ [[:space:]\"\'\$] ]]; then a="\"${a//\"/\\\"}\""; fi
    out+="${out:+ }$a"
  done
  printf '%s' "$out"
}
# run CMD...: prints the command and its output (indented); returns its exit code.
run() {
  printf '$ %s\n' "$(shown "$@")"
  local rc=0
  # stderr through a pipe: the launcher filters it in a helper process that may finish after java,
  # and a pipe is only at its end once every writer is gone.
  { timeout "$T" "$@" 2>&1 >&3 3>&- | cat > "$WALK/last.err"; } 3> "$WALK/last.out" || rc=$?
  cat "$WALK/last.err" "$WALK/last.out" | trim | sed 's/^/    /'
  [[ $rc -eq 0 ]] || printf '    (exit code %d)\n' "$rc"
  return $rc
}
check() { # check "what" CONDITION...
  local what="$1"; shift
  if "$@"; then printf '  ok: %s\n' "$what"; else printf '  FAILED: %s\n' "$what"; fails=$((fails + 1)); fi
}
count_of() { ./autoglm index info --index "$1" --format json | jq .count; }
# The caption the generator wrote for each hit of a search's JSON (the index itself knows only files).
captions() {
  jq -r '.results[] | [.id, (.score * 10000 | round / 10000 | tostring)] | @tsv' "$1" | while IFS=$'\t' read -r id score; do
    printf '    %-8s %-12s %s\n' "$score" "$id" "$(jq -r --arg img "images/$id" 'select(.image == $img) | .caption' "$WALK"/data/*.jsonl)"
  done
}

echo "# search walkthrough: $COUNT pictures, commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), $(date -u +%FT%TZ), load average $(cut -d' ' -f1 /proc/loadavg)"

step "1. A folder of pictures (ShapeWorld scenes, copied into a plain folder: no manifest, no captions)"
run ./autoglm --version
run ./autoglm data shapeworld --out "$WALK/data" --count "$COUNT" --seed 7
mkdir -p "$WALK/pictures"
cp "$WALK"/data/images/*.png "$WALK/pictures/"
printf '$ ls %s | wc -l\n    %s\n' "$WALK/pictures" "$(ls "$WALK/pictures" | wc -l)"

step "2. Build the index; kill -9 it once about half the pictures are committed"
IDX="$WALK/index"
build=(./autoglm index build --index "$IDX" --images "$WALK/pictures" --verbose)
printf '$ %s &    # --verbose prints a line at each commit; this script kills the build after the one past %d\n' "$(shown "${build[@]}")" $((COUNT / 2))
"${build[@]}" > "$WALK/build1.out" 2> "$WALK/build1.err" &
pid=$!
deadline=$((SECONDS + T))
committed=0
while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
  committed=$(grep -oE '^committed [0-9]+' "$WALK/build1.err" | tail -1 | cut -d' ' -f2 || true)
  [[ ${committed:-0} -ge $((COUNT / 2)) ]] && break
  sleep 0.05
done
kill -9 "$pid" 2>/dev/null || true
rc=0
wait "$pid" 2>/dev/null || rc=$?
sleep 1 # the launcher's stderr filter writes its last lines after java is gone
cat "$WALK/build1.err" "$WALK/build1.out" | trim | sed 's/^/    /'
printf '$ kill -9 %s    # (exit code %d)\n' "$pid" "$rc"
check "the build was killed (exit code 137), not finished" test "$rc" -eq 137
run ./autoglm index info --index "$IDX"
survived=$(count_of "$IDX")
check "the killed index opens and holds what was committed ($survived >= ${committed:-0}, < $COUNT)" \
  test "$survived" -ge "${committed:-0}" -a "$survived" -lt "$COUNT"

step "3. The same command again completes it; index info shows the full count"
run "${build[@]}"
check "the second run skipped the $survived committed pictures and embedded the rest" \
  grep -q "$((COUNT - survived)) added, 0 updated, $survived unchanged, 0 failed" "$WALK/last.out"
run ./autoglm index info --index "$IDX"
run ./autoglm index info --index "$IDX" --format json
check "index info counts all $COUNT pictures" test "$(count_of "$IDX")" -eq "$COUNT"
run "${build[@]}"
check "a third run embeds nothing" grep -q "0 added, 0 updated, $COUNT unchanged" "$WALK/last.out"

step "4. Search by text (the captions are the generator's, looked up for this transcript)"
run ./autoglm search --index "$IDX" --text "a large red circle" -k 5
./autoglm search --index "$IDX" --text "a large red circle" -k 5 --format json > "$WALK/text.json"
echo "  the hits with their captions:"
captions "$WALK/text.json"
# The bundled model is tiny (text->image R@1 0.63 on unseen pictures, docs/search.md): most, not all, top hits are right.
hits=$(captions "$WALK/text.json" | grep -c 'red circle' || true)
check "$hits of the 5 text hits show a red circle (at least 4 expected)" test "$hits" -ge 4

step "5. Search by picture"
QUERY="$WALK/pictures/000010.png"
printf '  the query picture: %s\n' "$(jq -r 'select(.image == "images/000010.png") | .caption' "$WALK"/data/*.jsonl)"
run ./autoglm search --index "$IDX" --image "$QUERY" -k 5
./autoglm search --index "$IDX" --image "$QUERY" -k 5 --format json > "$WALK/image.json"
captions "$WALK/image.json"
check "the picture finds itself first, at cosine 1" test "$(jq -r '.results[0].id + " " + (.results[0].score * 1000 | round | tostring)' "$WALK/image.json")" = "000010.png 1000"

step "6. Other models are refused with one line"
echo "  a model with the same architecture and dimension but other weights: the bundled model fine-tuned for 2 steps"
run ./autoglm train --init-from models/autoglm-shapes-tiny --steps 2 --batch-size 16 --train "$WALK/data/train.jsonl" --out "$WALK/other" \
  || true
rc=0; run ./autoglm search --index "$IDX" --text "a large red circle" --model "$WALK/other/model" || rc=$?
check "refused (exit code 1) with one line on stderr" test "$rc" -eq 1 -a "$(grep -c . "$WALK/last.err")" -eq 1 -a ! -s "$WALK/last.out"
rc=0; run ./autoglm index build --index "$IDX" --images "$WALK/pictures" --model "$WALK/other/model" || rc=$?
check "a build into the index with that model is refused too" test "$rc" -eq 1 -a "$(grep -c . "$WALK/last.err")" -eq 1
echo "  a model of another dimension: the tiny CLIP test fixture (Hugging Face layout, 32 dims)"
rc=0; run ./autoglm search --index "$IDX" --image "$QUERY" --model autoglm-core/src/test/resources/clip-parity/tiny-clip/hf || rc=$?
check "refused (exit code 1) with one line on stderr" test "$rc" -eq 1 -a "$(grep -c . "$WALK/last.err")" -eq 1
echo "  a copy of the index's own model elsewhere (same weights) is the same model:"
run ./autoglm convert models/autoglm-shapes-tiny "$WALK/copy-of-bundled"
rc=0; run ./autoglm search --index "$IDX" --text "a large red circle" -k 3 --model "$WALK/copy-of-bundled" || rc=$?
check "accepted" test "$rc" -eq 0

printf '\n# %s, %d check(s) failed\n' "$(date -u +%FT%TZ)" "$fails"
exit $((fails > 0))

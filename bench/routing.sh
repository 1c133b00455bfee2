#!/usr/bin/env bash
# Student/teacher routing on ShapeWorld: the bundled model as teacher, a pruned copy as student
# (autoglm prune, no fine-tune), the threshold from `autoglm route calibrate` on the val split, then
# throughput and agreement with the teacher on unseen test pictures, teacher-only vs routed vs
# student-only. Rates are marginal pictures/s of `autoglm classify` (the time for N pictures minus
# the time for a few, so JVM start and model loading cancel out).
# Usage: bench/routing.sh [TEST_PICTURES] [HEADS_PRUNED] [MLP_PRUNED] [TARGET_AGREEMENT]
# STUDENT=DIR bench/routing.sh ... routes to that model (e.g. the distilled student of configs/student.yaml)
# instead of pruning the teacher.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}; HEADS=${2:-0.5}; MLP=${3:-0.5}; TARGET=${4:-0.99}
source bench/lib/cli-jar.sh
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
TEACHER=models/autoglm-shapes-tiny
LABELS=circle,square,triangle,diamond,star,cross
cli() { java -Dai.djl.offline=true -jar "$JAR" "$@"; }
# Half validation (for calibration), half test: N pictures each, none of them seen in training (seed 2026).
# SHAPEWORLD=DIR reuses a folder written by exactly that command.
if [[ -n ${SHAPEWORLD:-} ]]; then ln -s "$(realpath "$SHAPEWORLD")" "$WORK/sw"
else cli data shapeworld --out "$WORK/sw" --count $((N * 2)) --seed 2026 --splits 0,0.5,0.5 >/dev/null; fi
if [[ -n ${STUDENT:-} ]]; then
  ln -s "$(realpath "$STUDENT")" "$WORK/student"; HEADS=-; MLP=-
else
  cli prune --model "$TEACHER" --out "$WORK/student" --heads "$HEADS" --mlp "$MLP" >/dev/null
fi
cli route calibrate --student "$WORK/student" --teacher "$TEACHER" --manifest "$WORK/sw/val.jsonl" --labels "$LABELS" \
    --target-agreement "$TARGET" --out "$WORK/route.json"
mapfile -t PICS < <(python3 -c "import json,sys,os; d=os.path.dirname(sys.argv[1]); [print(os.path.join(d, json.loads(l)['image'])) for l in open(sys.argv[1])]" "$WORK/sw/test.jsonl" | head -n "$N")
few=("${PICS[@]:0:8}")
timed() { # OUT ARGS... -> seconds for the whole run, JSON in OUT
  local out=$1; shift
  local t0; t0=$(date +%s.%N)
  cli classify --format json --labels "$LABELS" -k 1 "$@" > "$out"
  python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$t0" "$(date +%s.%N)"
}
echo "# bench/routing.sh N=${#PICS[@]} student=${STUDENT:-pruned} heads-pruned=$HEADS mlp-pruned=$MLP target=$TARGET; $(date -u +%FT%TZ); load $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
python3 -c "import json; r=json.load(open('$WORK/route.json')); print('calibration on %d val pictures: threshold %.6f, agreement %.4f, student share %.3f, student alone %.4f' % (r['count'], r['threshold'], r['agreement'], r['student_share'], r['student_alone_agreement']))"
cli inspect "$TEACHER" | grep "^parameters" | head -1 | sed 's/^/teacher: /' || true
cli inspect "$WORK/student" | grep "^parameters" | head -1 | sed 's/^/student: /' || true
declare -A RATE
for mode in teacher routed student; do
  case $mode in
    teacher) args=(--model "$TEACHER");;
    routed) args=(--model "$TEACHER" --student "$WORK/student" --route "$WORK/route.json");;
    student) args=(--model "$WORK/student");;
  esac
  small=$(timed "$WORK/$mode.few.json" "${args[@]}" "${few[@]}")
  big=$(timed "$WORK/$mode.json" "${args[@]}" "${PICS[@]}")
  RATE[$mode]=$(python3 -c "import sys; print('%.1f' % ((int(sys.argv[1]) - 8) / (float(sys.argv[3]) - float(sys.argv[2]))))" "${#PICS[@]}" "$small" "$big")
done
python3 - "$WORK" "${RATE[teacher]}" "${RATE[routed]}" "${RATE[student]}" <<'PY'
import json, sys, os
work, rt, rr, rs = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
truth = {}
for l in open(os.path.join(work, 'sw/test.jsonl')):
    j = json.loads(l)
    truth[os.path.join(work, 'sw', j['image'])] = j.get('shape')
def top1(mode):
    return [(r['image'], r['labels'][0]['label'], r.get('route')) for r in json.load(open(os.path.join(work, mode + '.json')))['results']]
t, r, s = top1('teacher'), top1('routed'), top1('student')
n = len(t)
def agree(x): return sum(a[1] == b[1] for a, b in zip(x, t)) / n
def acc(x):
    lab = [(a[1], truth.get(a[0])) for a in x if truth.get(a[0])]
    return sum(p == g for p, g in lab) / len(lab), len(lab)
share = sum(x[2] == 'student' for x in r) / n
print(f"test pictures: {n} (single-shape ones with a ground-truth shape: {acc(t)[1]})")
print(f"{'row':<14}{'pictures/s':>12}{'vs teacher':>12}{'agreement':>12}{'top1 (single shapes)':>22}")
for name, rate, x in (('teacher only', rt, t), ('routed', rr, r), ('student only', rs, s)):
    print(f"{name:<14}{rate:>12.1f}{rate / rt:>11.2f}x{agree(x):>12.4f}{acc(x)[0]:>22.4f}")
print(f"routed: the student answered {share:.1%} of the test pictures")
PY

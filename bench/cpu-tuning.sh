#!/usr/bin/env bash
# What the two native-runtime settings `./autoglm` applies are worth on this host, in one run:
#   shipped  libtorch as DJL ships it, glibc malloc as configured by default;
#   mkl      LD_PRELOAD=tools/mkl-on-amd/libmkl_intel_cpu.so: libtorch's oneMKL picks its kernels by the
#            instructions the CPU has instead of by its vendor (matters on AMD only);
#   malloc   tools/malloc-tuning.env (MALLOC_MMAP_THRESHOLD_ 32 MiB, MALLOC_TRIM_THRESHOLD_ 4 GiB, MALLOC_TOP_PAD_ 256 MiB): glibc keeps
#            freed tensor memory for the next step instead of unmapping it and taking fresh page faults;
#   both     the two together (what ./autoglm does on an AMD host).
# Each side runs the training step (TrainingBenchmark: tiny preset, conv stem as the bundled recipe, batch 64
# and 128) and embeddings (EmbeddingBenchmark: ViT-B/32 shape, images and texts, batch 1 and 32), in the order
# given, each side `--rounds` times (default 2, the order repeated), and reports the median per side.
# Writes bench/results/cpu-tuning.txt (or --out FILE).
#
#   bench/cpu-tuning.sh [--threads 2] [--rounds 2] [--sides shipped,mkl,malloc,both] [--out FILE]
#
# Needs: Java 17, a C compiler for the shim (apt-get install gcc), python3 for the table.
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=2
ROUNDS=2
SIDES=shipped,mkl,malloc,both
RESULT=bench/results/cpu-tuning.txt
while [[ $# -gt 0 ]]; do
  case $1 in
    --threads) THREADS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --sides) SIDES=$2; shift 2 ;;
    --out) RESULT=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
mkdir -p "$(dirname "$RESULT")"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

source bench/lib/cli-jar.sh
SHIM=$PWD/tools/mkl-on-amd/libmkl_intel_cpu.so
[[ -f $SHIM ]] || tools/mkl-on-amd/build.sh >&2

export TORCH_CPP_LOG_LEVEL=ERROR OMP_NUM_THREADS=$THREADS MKL_NUM_THREADS=$THREADS
JOPTS=(-Dai.djl.offline=true -Dai.djl.pytorch.num_threads="$THREADS" -Dai.djl.pytorch.num_interop_threads=1 -cp "$BENCH_CP")
mapfile -t MALLOC < <(grep -v -e '^#' -e '^$' tools/malloc-tuning.env) # the values ./autoglm exports

{
  echo "# Native runtime settings: libtorch as shipped against the MKL vendor shim and glibc malloc tunables, same run, $THREADS intra-op threads"
  echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') ($(grep -m1 vendor_id /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), load average before start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "java:    $(java -version 2>&1 | head -1)"
  echo "commit:  $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- autoglm-core autoglm-train autoglm-cli tools/mkl-on-amd || echo '+dirty')"
  echo "order:   $SIDES, $ROUNDS round(s)"
  ps -eo pcpu,args --sort=-pcpu | awk 'NR > 1 && $1 > 20 {print "WARNING: busy process at start (figures contended): " substr($0, 1, 100)}' | grep -v -E 'ps -eo|awk' | head -3 || true
} > "$TMP/header.txt"
cat "$TMP/header.txt"

for ((round = 1; round <= ROUNDS; round++)); do
  for side in ${SIDES//,/ }; do
    envs=()
    case $side in
      shipped) ;;
      mkl) envs=(LD_PRELOAD="$SHIM") ;;
      malloc) envs=("${MALLOC[@]}") ;;
      both) envs=(LD_PRELOAD="$SHIM" "${MALLOC[@]}") ;;
      *) echo "unknown side $side" >&2; exit 2 ;;
    esac
    echo; echo "== round $round, $side: training step =="
    env "${envs[@]}" java "${JOPTS[@]}" io.openautoglm.bench.TrainingBenchmark --threads "$THREADS" --patch-stem conv \
      --batches 64,128 --reps 3 --json "$TMP/train-$side-$round.json" 2> >(grep -v -E ' (INFO|WARN) ' >&2)
    echo; echo "== round $round, $side: embedding =="
    env "${envs[@]}" java "${JOPTS[@]}" io.openautoglm.bench.EmbeddingBenchmark --threads "$THREADS" \
      --batches 1,32 --reps 3 --json "$TMP/embed-$side-$round.json" 2> >(grep -v -E ' (INFO|WARN) ' >&2)
  done
done

python3 - "$TMP" "$RESULT" "$SIDES" "$ROUNDS" <<'PYEOF'
import json, sys, os, statistics
tmp, result, sides, rounds = sys.argv[1], sys.argv[2], sys.argv[3].split(","), int(sys.argv[4])
def points(kind, side):
    per = {}
    for r in range(1, rounds + 1):
        d = json.load(open(os.path.join(tmp, "%s-%s-%d.json" % (kind, side, r))))
        for p in d["points"]:
            key = ("train step, batch %d (samples/s)" % p["batch"]) if kind == "train" else \
                  ("embed %ss, batch %d (per s)" % (p["kind"], p["batch"]))
            per.setdefault(key, []).append(p["samples_per_s"] if kind == "train" else p["items_per_s"])
    return per
table = {side: {**points("train", side), **points("embed", side)} for side in sides}
rows = list(table[sides[0]].keys())
lines = [open(os.path.join(tmp, "header.txt")).read().rstrip(), ""]
lines.append("%-34s | " % "" + " ".join("%16s" % s for s in sides) + (" | ratios to shipped" if "shipped" in sides else ""))
lines.append("-" * (40 + 17 * len(sides) + 24))
for row in rows:
    med = {s: statistics.median(table[s][row]) for s in sides}
    cells = " ".join("%16s" % ("%.1f" % med[s]) for s in sides)
    ratio = " | " + " ".join("%s %.2f" % (s, med[s] / med["shipped"]) for s in sides if s != "shipped") if "shipped" in sides else ""
    lines.append("%-34s | %s%s" % (row, cells, ratio))
lines.append("")
lines.append("each cell: the median over %d round(s) of that side's figure (itself the median of 3 timed repetitions);" % rounds)
lines.append("every round's figures: " + "; ".join("%s %s" % (s, {k: [round(x, 1) for x in v] for k, v in table[s].items()}) for s in sides))
lines.append("load average after the run: " + " ".join(open("/proc/loadavg").read().split()[:3]))
text = "\n".join(lines) + "\n"
print(); print(text, end="")
open(result + ".tmp", "w").write(text)
os.replace(result + ".tmp", result)
PYEOF

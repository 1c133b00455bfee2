#!/usr/bin/env bash
# What the MKL vendor shim (tools/mkl-on-amd) is worth: the same Java benchmarks run twice in one
# run, first as shipped, then with LD_PRELOAD=tools/mkl-on-amd/libmkl_intel_cpu.so, which lets
# libtorch's bundled oneMKL choose its kernels by the instructions the CPU has rather than by its
# vendor. Only AMD (and other non-Intel) x86 processors can differ; on Intel both runs are the same.
#   - training step (TrainingBenchmark): the bundled recipe's tiny preset with the conv stem, batch 64 and 128;
#   - embedding (EmbeddingBenchmark): a ViT-B/32-shaped CLIP, images and texts, batch 1 and 32.
# Writes bench/results/mkl-on-amd.txt.
#
#   bench/mkl-on-amd.sh [--threads 2] [--shim-first] [--out FILE]
#
# --shim-first runs the shim side first (to see that the order, not the shim, is not what differs);
# --out names the output file (default bench/results/mkl-on-amd.txt).
#
# Needs: Java 17, a C compiler for the shim (apt-get install gcc), python3 for the table.
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=2
SIDES=(shipped shim)
RESULT=bench/results/mkl-on-amd.txt
while [[ $# -gt 0 ]]; do
  case $1 in
    --threads) THREADS=$2; shift 2 ;;
    --shim-first) SIDES=(shim shipped); shift ;;
    --out) RESULT=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
mkdir -p "$(dirname "$RESULT")"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

JAR=autoglm-cli/target/autoglm-cli-0.1.0-SNAPSHOT.jar
if [[ ! -f $JAR || -n $(find autoglm-core/src/main autoglm-train/src/main autoglm-cli/src/main -newer "$JAR" -type f | head -1) ]]; then
  echo "building..." >&2
  ./mvnw -q -DskipTests install >&2
fi
SHIM=tools/mkl-on-amd/libmkl_intel_cpu.so
[[ -f $SHIM ]] || tools/mkl-on-amd/build.sh >&2

export TORCH_CPP_LOG_LEVEL=ERROR OMP_NUM_THREADS=$THREADS MKL_NUM_THREADS=$THREADS
JOPTS=(-Dai.djl.offline=true -Dai.djl.pytorch.num_threads="$THREADS" -Dai.djl.pytorch.num_interop_threads=1 -cp "$JAR:autoglm-cli/target/lib/*")

{
  echo "# libtorch's oneMKL as shipped against the vendor shim (LD_PRELOAD $SHIM), same run, $THREADS intra-op threads"
  echo "order:   ${SIDES[0]} first, then ${SIDES[1]}"
  echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') ($(grep -m1 vendor_id /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), load average before start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "java:    $(java -version 2>&1 | head -1)"
  echo "commit:  $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- autoglm-core autoglm-train autoglm-cli tools/mkl-on-amd || echo '+dirty')"
  ps -eo pcpu,args --sort=-pcpu | awk 'NR > 1 && $1 > 20 {print "WARNING: busy process at start (figures contended): " substr($0, 1, 100)}' | grep -v -E 'ps -eo|awk' | head -3 || true
} > "$TMP/header.txt"
cat "$TMP/header.txt"

for side in "${SIDES[@]}"; do
  pre=""
  [[ $side == shim ]] && pre="$PWD/$SHIM"
  echo; echo "== training step, conv stem ($side) =="
  LD_PRELOAD=$pre java "${JOPTS[@]}" io.openautoglm.cli.bench.TrainingBenchmark --threads "$THREADS" --patch-stem conv \
    --batches 64,128 --json "$TMP/train-$side.json" 2> >(grep -v -E ' (INFO|WARN) ' >&2)
  echo; echo "== embedding, ViT-B/32 shape ($side) =="
  LD_PRELOAD=$pre java "${JOPTS[@]}" io.openautoglm.cli.bench.EmbeddingBenchmark --threads "$THREADS" \
    --batches 1,32 --json "$TMP/embed-$side.json" 2> >(grep -v -E ' (INFO|WARN) ' >&2)
done

python3 - "$TMP" "$RESULT" <<'PYEOF'
import json, sys, os
tmp, result = sys.argv[1], sys.argv[2]
load = lambda name: json.load(open(os.path.join(tmp, name)))
lines = [open(os.path.join(tmp, "header.txt")).read().rstrip(), ""]
lines.append("%-34s | %12s %12s %7s" % ("", "shipped", "shim", "ratio"))
lines.append("-" * 72)
ts, th = load("train-shipped.json"), load("train-shim.json")
for a, b in zip(ts["points"], th["points"]):
    lines.append("%-34s | %12.1f %12.1f %7.2f" % ("train step, batch %d (samples/s)" % a["batch"], a["samples_per_s"],
                                                b["samples_per_s"], b["samples_per_s"] / a["samples_per_s"]))
es, eh = load("embed-shipped.json"), load("embed-shim.json")
for a, b in zip(es["points"], eh["points"]):
    lines.append("%-34s | %12.1f %12.1f %7.2f" % ("embed %ss, batch %d (per s)" % (a["kind"], a["batch"]), a["items_per_s"],
                                                b["items_per_s"], b["items_per_s"] / a["items_per_s"]))
lines.append("")
lines.append("ratio = shim / shipped (> 1: the shim is faster). Each figure is the median of timed repetitions (see")
lines.append("bench/training-throughput.sh and bench/embedding-throughput.sh for the protocols).")
lines.append("load average after the run: " + " ".join(open("/proc/loadavg").read().split()[:3]))
text = "\n".join(lines) + "\n"
print(); print(text, end="")
tmpout = result + ".tmp"
open(tmpout, "w").write(text)
os.replace(tmpout, result)
PYEOF

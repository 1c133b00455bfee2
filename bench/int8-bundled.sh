#!/usr/bin/env bash
# int8 on the bundled model (issue 22.3): `autoglm export onnx --quantize int8 --gate` on unseen ShapeWorld
# pictures (seed 2, never trained on), the gate's fp32 vs int8 R@1 and zero-shot shape top-1, the folders'
# sizes, and end-to-end pictures/s of `autoglm classify` for DJL fp32 (our folder), ONNX Runtime fp32 (the
# fp32 export) and ONNX Runtime int8: marginal rates (time for N pictures minus time for 8), so JVM start
# and model loading cancel out. Usage: bench/int8-bundled.sh [PICTURES [MAX_DROP]];
# writes bench/results/int8-bundled.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}; DROP=${2:-0.5}
source bench/lib/cli-jar.sh
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
MODEL=models/autoglm-shapes-tiny
LABELS=circle,square,triangle,diamond,star,cross
cli() { nice java -Dai.djl.offline=true -jar "$JAR" "$@"; }
out=bench/results/int8-bundled.txt
{
echo "# bench/int8-bundled.sh N=$N max-drop=$DROP; $(date -u +%FT%TZ); commit $(git rev-parse --short HEAD); load $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
cli data shapeworld --out "$WORK/sw" --count "$N" --seed 2 --splits 0,0,1 >/dev/null
echo "## export onnx fp32"
cli export onnx --model "$MODEL" --out "$WORK/fp32" 2>&1
echo "## export onnx --quantize int8 --gate (fp32 vs int8 on $N unseen pictures)"
cli export onnx --model "$MODEL" --out "$WORK/int8" --quantize int8 --gate "$WORK/sw/test.jsonl" \
    --label-key shape --first-caption-only --max-drop "$DROP" 2>&1
python3 -c "import json,sys; q=json.load(open(sys.argv[1])).get('quantization',{}); print('provenance gate:', json.dumps(q.get('gate', q), sort_keys=True)[:1500])" "$WORK/int8/provenance.json"
echo "## sizes on disk (bytes)"
echo "DJL safetensors: $(stat -c %s "$MODEL/model.safetensors")"
for d in fp32 int8; do for f in "$WORK/$d"/*.onnx; do echo "$d $(basename "$f"): $(stat -c %s "$f")"; done; done
echo "## classify pictures/s (marginal, $N pictures, -k 1, 6 labels)"
mapfile -t PICS < <(python3 -c "import json,sys,os; d=os.path.dirname(sys.argv[1]); [print(os.path.join(d, json.loads(l)['image'])) for l in open(sys.argv[1])]" "$WORK/sw/test.jsonl" | head -n "$N")
few=("${PICS[@]:0:8}")
timed() { local t0; t0=$(date +%s.%N); cli classify --format json --labels "$LABELS" -k 1 "$@" > /dev/null
  python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$t0" "$(date +%s.%N)"; }
for row in "DJL fp32:$MODEL" "ORT fp32:$WORK/fp32" "ORT int8:$WORK/int8"; do
  name=${row%%:*}; dir=${row#*:}
  small=$(timed --model "$dir" "${few[@]}"); big=$(timed --model "$dir" "${PICS[@]}")
  python3 -c "import sys; print('%-10s %8.1f pictures/s' % (sys.argv[1], (int(sys.argv[2]) - 8) / (float(sys.argv[4]) - float(sys.argv[3]))))" "$name" "${#PICS[@]}" "$small" "$big"
done
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee "$out"

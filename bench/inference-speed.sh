#!/usr/bin/env bash
# Inference speed of a ViT-B/32-shaped CLIP with random weights (as bench/embedding-throughput.sh),
# batch 1/8/32, images/s and texts/s and size on disk, one run, one row after the other:
#
#   ours DJL fp32                 io.openautoglm.bench.EmbeddingBenchmark (libtorch through DJL)
#   ours ONNX fp32 / int8         `autoglm export onnx [--quantize int8]` run on ONNX Runtime Java
#                                 (skipped, with a line saying so, where the CLI has no `export onnx`)
#   ORT fp32 on a hand export     torch.onnx.export of the PyTorch peer's model, ONNX Runtime Java
#   hand export + our int8        the same graphs through our Int8Quantizer (standard MatMulInteger
#                                 chain, and ORT's contrib DynamicQuantizeMatMul)
#   ORT int8 (onnxruntime.quantization.quantize_dynamic) on the hand export, where python has it
#   PyTorch eager fp32 / dynamic int8 (torch.ao.quantization.quantize_dynamic), Debian's python3-torch
#
#   bench/inference-speed.sh [--batches 1,8,32] [--threads 2] [--reps 5] ...  (passed to every row)
#
# Writes bench/results/inference-speed.{txt,json}. Needs Java 17 and /usr/bin/python3 with
# python3-torch and OpenBLAS (apt-get install -y python3-torch libopenblas0-pthread; bench/lib/torch-peer.sh
# refuses the reference BLAS); ~2 GB of temporary disk for the graphs.
set -euo pipefail
cd "$(dirname "$0")/.."
ARGS=("$@")
source bench/lib/torch-peer.sh
JAVA=(java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="$THREADS" -Dai.djl.pytorch.num_interop_threads=1 -cp "$BENCH_CP")
quiet() { grep -v -E ' (INFO|WARN) |UserWarning|warnings.warn' >&2 || true; }

{
  echo "# Inference speed, ViT-B/32-shaped CLIP, random weights, $THREADS intra-op threads"
  echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "java:    $(java -version 2>&1 | head -1)"
  echo "torch:   $("$PY" -c 'import torch; print(torch.__version__)' 2>/dev/null), BLAS $BLAS"
  echo "commit:  $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- autoglm-* bench/inference* || echo '+dirty')"
} > "$TMP/header.txt"
cat "$TMP/header.txt"
: > "$TMP/skipped.txt"
skip() { echo "skipped: $*" | tee -a "$TMP/skipped.txt"; }

echo; echo "== ours DJL fp32 =="
"${JAVA[@]}" io.openautoglm.bench.RandomModelFolder "$TMP/djl" 0 2> >(quiet) >/dev/null
"${JAVA[@]}" io.openautoglm.bench.EmbeddingBenchmark --threads "$THREADS" "$@" --json "$TMP/djl.json" 2> >(quiet) | tee "$TMP/djl.txt"

echo; echo "== ours ONNX (autoglm export onnx) =="
# (`autoglm export onnx --help` alone would not tell: an unknown subcommand with --help prints the top usage, exit 0.)
if java -jar "$JAR" export onnx --help 2>/dev/null | grep -q '^Usage: autoglm export onnx'; then
  java -Dai.djl.offline=true -jar "$JAR" export onnx --model "$TMP/djl" --out "$TMP/ours-onnx" 2> >(quiet)
  java -Dai.djl.offline=true -jar "$JAR" export onnx --model "$TMP/djl" --out "$TMP/ours-int8" --quantize int8 2> >(quiet)
  "${JAVA[@]}" io.openautoglm.bench.OnnxInferenceBenchmark --onnx-dir "$TMP/ours-onnx" --label "ours ONNX" --rows fp32 \
    --threads "$THREADS" "$@" --json "$TMP/ours-fp32.json" 2> >(quiet) || skip "ours ONNX fp32: the exported folder has no tower graphs we recognise"
  "${JAVA[@]}" io.openautoglm.bench.OnnxInferenceBenchmark --onnx-dir "$TMP/ours-int8" --label "ours ONNX int8 (export --quantize)" --rows fp32 \
    --threads "$THREADS" "$@" --json "$TMP/ours-int8.json" 2> >(quiet) || skip "ours ONNX int8: the exported folder has no tower graphs we recognise"
else
  skip "ours ONNX fp32 and int8: this CLI has no 'autoglm export onnx' yet (issue 22.1); rerun after it lands"
fi

echo; echo "== hand export (torch.onnx.export) on ONNX Runtime Java, fp32 and our int8 =="
"$PY" bench/inference_torch_peer.py --export-onnx "$TMP/hand" --seed 0 2> >(quiet)
"${JAVA[@]}" io.openautoglm.bench.OnnxInferenceBenchmark --onnx-dir "$TMP/hand" --label "ORT, hand export" \
  --rows fp32,int8,int8-contrib --threads "$THREADS" "$@" --json "$TMP/hand.json" 2> >(quiet) | tee "$TMP/hand.txt"

echo; echo "== ORT's own int8 (onnxruntime.quantization) =="
if "$PY" -c 'import onnxruntime.quantization' 2>/dev/null; then
  "$PY" -c 'import sys; from onnxruntime.quantization import quantize_dynamic, QuantType
for t in ("vision", "text"): quantize_dynamic(sys.argv[1] + "/" + t + ".onnx", sys.argv[2] + "/" + t + ".onnx", weight_type=QuantType.QInt8)' \
    "$TMP/hand" "$(mkdir -p "$TMP/ort-int8" && echo "$TMP/ort-int8")"
  "${JAVA[@]}" io.openautoglm.bench.OnnxInferenceBenchmark --onnx-dir "$TMP/ort-int8" --label "ORT int8 (quantize_dynamic), hand export" \
    --rows fp32 --threads "$THREADS" "$@" --json "$TMP/ort-int8.json" 2> >(quiet)
else
  skip "plain ORT int8: $PY has no onnxruntime.quantization (not packaged by Debian; pip's onnxruntime is not reachable here)"
fi

echo; echo "== PyTorch eager fp32 and dynamic int8 =="
"$PY" bench/inference_torch_peer.py --mode fp32 --threads "$THREADS" "$@" --json "$TMP/torch-fp32.json" 2> >(quiet)
"$PY" bench/inference_torch_peer.py --mode int8 --threads "$THREADS" "$@" --json "$TMP/torch-int8.json" 2> >(quiet)

"$PY" - "$TMP" "$OUT" <<'PYEOF'
import glob, json, os, sys
tmp, out = sys.argv[1], sys.argv[2]
rows = []
def points(ps):
    return {(p["batch"], p["kind"]): p["items_per_s"] for p in ps}
djl = json.load(open(os.path.join(tmp, "djl.json")))
rows.append({"row": "ours DJL fp32", "size_bytes": os.path.getsize(os.path.join(tmp, "djl", "model.safetensors")),
             "points": points(djl["points"])})
for name in ("ours-fp32", "ours-int8", "hand", "ort-int8"):
    f = os.path.join(tmp, name + ".json")
    if os.path.exists(f):
        for r in json.load(open(f))["rows"]:
            rows.append({"row": r["row"], "size_bytes": r["size_bytes"], "points": points(r["points"]),
                         "cos": (r.get("min_cosine_images"), r.get("min_cosine_texts"))})
for name, label in (("torch-fp32", "PyTorch eager fp32"), ("torch-int8", "PyTorch dynamic int8")):
    t = json.load(open(os.path.join(tmp, name + ".json")))
    rows.append({"row": label, "size_bytes": t["size_bytes"], "points": points(t["points"]), "impl": t["implementation"]})
batches = sorted({b for r in rows for (b, _) in r["points"]})
lines = [open(os.path.join(tmp, "header.txt")).read().rstrip(), ""]
head = "%-44s %9s  %s  %s" % ("row", "size MB", "  ".join("img/s b%-3d" % b for b in batches),
                              "  ".join("txt/s b%-3d" % b for b in batches))
lines += [head, "-" * len(head)]
for r in rows:
    cell = lambda b, k: "%10.2f" % r["points"][(b, k)] if (b, k) in r["points"] else "%10s" % "-"
    lines.append("%-44s %9.1f  %s  %s" % (r["row"], r["size_bytes"] / 1e6, "  ".join(cell(b, "image") for b in batches),
                                           "  ".join(cell(b, "text") for b in batches)))
lines.append("")
for r in rows:
    if r.get("cos") and r["cos"][0] is not None:
        lines.append("%s: cosine to its fp32 graph >= %.5f (images), >= %.5f (texts)" % (r["row"], r["cos"][0], r["cos"][1]))
for r in rows:
    if r.get("impl"):
        lines.append("%s: %s" % (r["row"], r["impl"]))
skipped = open(os.path.join(tmp, "skipped.txt")).read().strip()
if skipped:
    lines += ["", skipped]
text = "\n".join(lines) + "\n"
print(); print(text)
open(os.path.join(out, "inference-speed.txt"), "w").write(text)
for r in rows:
    r["points"] = [{"batch": b, "kind": k, "items_per_s": v} for (b, k), v in sorted(r["points"].items())]
json.dump({"rows": rows, "skipped": skipped.splitlines()}, open(os.path.join(out, "inference-speed.json"), "w"), indent=2)
PYEOF

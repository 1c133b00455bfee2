#!/usr/bin/env bash
# Embedding throughput of a ViT-B/32-shaped CLIP with random weights: open-autoglm (DJL + libtorch)
# and PyTorch eager (Debian python3-torch, bench/clip_torch_peer.py), one after the other in the
# same run, 2 intra-op threads each. Writes bench/results/embedding-throughput.{txt,json}.
#
#   bench/embedding-throughput.sh [--batches 1,8,32] [--threads 2] [--reps 5] ...  (passed to both)
#
# Needs: Java 17, /usr/bin/python3 with python3-torch (apt-get install -y python3-torch). Debian's
# torch uses the system BLAS through alternatives: with only libblas3 (netlib reference BLAS) its
# matmuls run at ~4 GFLOP/s; install libopenblas0-pthread for a fair peer. The BLAS in use is
# printed and recorded.
set -euo pipefail
cd "$(dirname "$0")/.."
ARGS=("$@")
source bench/lib/torch-peer.sh

{
  echo "# Embedding throughput, ViT-B/32-shaped CLIP, random weights, float32, $THREADS intra-op threads"
  echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "java:    $(java -version 2>&1 | head -1)"
  echo "torch:   $("$PY" -c 'import torch, sys; print(torch.__version__, "(python", sys.version.split()[0] + ")")' 2>/dev/null)"
  echo "commit:  $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- autoglm-core autoglm-bench bench/clip_torch_peer.py || echo '+dirty')"
} > "$TMP/header.txt"
cat "$TMP/header.txt"

echo; echo "== open-autoglm (DJL) =="
java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="$THREADS" -Dai.djl.pytorch.num_interop_threads=1 \
  -cp "$BENCH_CP" io.openautoglm.bench.EmbeddingBenchmark \
  --threads "$THREADS" "$@" --json "$TMP/java.json" 2> >(grep -v -E ' (INFO|WARN) ' >&2) | tee "$TMP/java.txt"

echo; echo "== PyTorch eager peer =="
"$PY" bench/clip_torch_peer.py --threads "$THREADS" "$@" --json "$TMP/torch.json" | tee "$TMP/torch.txt"

"$PY" - "$TMP" "$OUT" <<'PYEOF'
import json, sys, os
tmp, out = sys.argv[1], sys.argv[2]
j = json.load(open(os.path.join(tmp, "java.json")))
t = json.load(open(os.path.join(tmp, "torch.json")))
pts = lambda r: {(p["batch"], p["kind"]): p["items_per_s"] for p in r["points"]}
pj, pt = pts(j), pts(t)
lines = [open(os.path.join(tmp, "header.txt")).read().rstrip()]
lines.append("java side:  %s, intra/inter-op threads %d/%d, autograd recorded: %s"
             % (j["implementation"], j["intra_op_threads"], j["inter_op_threads"], j["autograd_recorded"]))
lines.append("torch side: %s, intra/inter-op threads %d/%d, BLAS %s"
             % (t["implementation"], t["intra_op_threads"], t["inter_op_threads"], t["blas"]))
pr = j["protocol"]
lines.append("protocol:   %d warm-up batches, median of up to %d repetitions of >= %.1f s each (>= 3 reps; fewer after %.0f s per point)"
             % (pr["warmup_batches"], pr["repetitions"], pr["min_rep_seconds"], pr["max_point_seconds"]))
lines.append("")
lines.append("%-6s | %14s %14s %7s | %14s %14s %7s" % ("batch", "java images/s", "torch images/s", "ratio",
                                                       "java texts/s", "torch texts/s", "ratio"))
lines.append("-" * 86)
ratios = []
for b in sorted({k[0] for k in pj}):
    ji, ti, jt, tt = pj[(b, "image")], pt[(b, "image")], pj[(b, "text")], pt[(b, "text")]
    ratios.append({"batch": b, "image_ratio": ji / ti, "text_ratio": jt / tt})
    lines.append("%-6d | %14.2f %14.2f %7.2f | %14.2f %14.2f %7.2f" % (b, ji, ti, ji / ti, jt, tt, jt / tt))
noisy = []
for side, r in (("java", j), ("torch", t)):
    for p in r["points"]:
        reps = sorted(p["rep_items_per_s"])
        spread = (reps[-1] - reps[0]) / p["items_per_s"]
        if spread > 0.25:
            noisy.append("%s %s b=%d: reps %s" % (side, p["kind"], p["batch"], " ".join("%.2f" % x for x in reps)))
if noisy:
    lines.append("noisy points ((max - min) / median > 25%; the host stalls at times):")
    lines.extend("  " + n for n in noisy)
lines.append("")
lines.append("%-34s %12s %12s" % ("", "java", "torch"))
for key, label in [("engine_init_s", "engine init / import torch (s)"), ("construction_s", "model construction (s)"),
                   ("first_image_forward_s", "first image embedding, b=1 (s)"),
                   ("load_to_first_embedding_s", "load -> first embedding (s)"),
                   ("first_text_forward_s", "first text embedding, b=1 (s)"), ("peak_rss_mb", "peak RSS (MB)")]:
    lines.append("%-34s %12.3f %12.3f" % (label, j[key], t[key]) if key != "peak_rss_mb"
                 else "%-34s %12.0f %12.0f" % (label, j[key], t[key]))
lines.append("")
lines.append("ratio = java / torch (> 1: java faster). load -> first embedding = construction + first image forward"
             " (engine init excluded, listed above). peak RSS: VmHWM (java, includes the JVM) / ru_maxrss (python).")
text = "\n".join(lines) + "\n"
print(); print(text, end="")
with open(os.path.join(out, "embedding-throughput.txt"), "w") as f:
    f.write(text)
with open(os.path.join(out, "embedding-throughput.json"), "w") as f:
    json.dump({"header": open(os.path.join(tmp, "header.txt")).read().splitlines(), "java": j, "torch": t,
               "ratios": ratios}, f, indent=2)
PYEOF

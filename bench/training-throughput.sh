#!/usr/bin/env bash
# Training throughput (samples/s) of the tiny preset: open-autoglm (DJL + libtorch, the Trainer's
# optimizer step, io.openautoglm.bench.TrainingBenchmark) and PyTorch eager (Debian
# python3-torch, bench/clip_torch_train_peer.py) on the same batch sizes, one after the other in the
# same run, 2 intra-op threads each. Data loading is excluded from both (random inputs generated
# once). Then, unless --no-trainer, the full `autoglm train` (with its data loader decoding and
# augmenting ShapeWorld PNGs on 2 background threads) timed from metrics.jsonl after warm-up.
# Writes bench/results/training-throughput.{txt,json}.
#
#   bench/training-throughput.sh [--no-trainer] [--batches 64,128] [--threads 2] [--reps 5] ...  (passed to both)
#
# Needs: Java 17, /usr/bin/python3 with python3-torch and libopenblas0-pthread (see
# embedding-throughput.sh for why the BLAS matters).
set -euo pipefail
cd "$(dirname "$0")/.."
TRAINER=1
ARGS=()
for a in "$@"; do [[ $a == --no-trainer ]] && TRAINER=0 || ARGS+=("$a"); done
set -- "${ARGS[@]+"${ARGS[@]}"}"
source bench/lib/torch-peer.sh
JOPTS=(-Dai.djl.offline=true -Dai.djl.pytorch.num_threads="$THREADS" -Dai.djl.pytorch.num_interop_threads=1)

{
  echo "# Training throughput, tiny preset (ViT 64 px/8, 128 x 4; text 32 tokens, 128 x 4; vocab 1000), float32, $THREADS intra-op threads"
  echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), load average before start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "java:    $(java -version 2>&1 | head -1)"
  echo "torch:   $("$PY" -c 'import torch, sys; print(torch.__version__, "(python", sys.version.split()[0] + ")")' 2>/dev/null)"
  echo "commit:  $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- autoglm-core autoglm-train autoglm-bench bench || echo '+dirty')"
  ps -eo pcpu,args --sort=-pcpu | awk 'NR > 1 && $1 > 20 {print "WARNING: busy process at start (figures contended): " substr($0, 1, 100)}' | grep -v -E 'ps -eo|awk' | head -3 || true
} > "$TMP/header.txt"
cat "$TMP/header.txt"

echo; echo "== open-autoglm (DJL), Trainer step without data loading =="
java "${JOPTS[@]}" -cp "$BENCH_CP" io.openautoglm.bench.TrainingBenchmark \
  --threads "$THREADS" "$@" --json "$TMP/java.json" 2> >(grep -v -E ' (INFO|WARN) ' >&2) | tee "$TMP/java.txt"

echo; echo "== PyTorch eager peer =="
# OpenBLAS's own pthreads (spinning between calls) fight torch's OpenMP threads for the 2 cores when
# small matmuls alternate with element-wise ops: the peer measured ~1.5x faster with one BLAS thread
# (95 vs 145 samples/s at batch 64 on an idle host), so it gets the faster setting.
OPENBLAS_NUM_THREADS=1 "$PY" bench/clip_torch_train_peer.py --threads "$THREADS" "$@" --json "$TMP/torch.json" | tee "$TMP/torch.txt"

if [[ $TRAINER == 1 ]]; then
  echo; echo "== autoglm train (full Trainer with data loading), ShapeWorld 2000, batch 128, 60 steps =="
  AUTOGLM_JAVA_OPTS="-Dai.djl.pytorch.num_threads=$THREADS -Dai.djl.pytorch.num_interop_threads=1" \
    ./autoglm data shapeworld --out "$TMP/data" --count 2000 --seed 3 > /dev/null
  /usr/bin/time -f '%M' -o "$TMP/trainer.rss" env AUTOGLM_JAVA_OPTS="-Dai.djl.pytorch.num_threads=$THREADS -Dai.djl.pytorch.num_interop_threads=1" \
    ./autoglm train --train "$TMP/data/train.jsonl" --out "$TMP/run" --steps 60 --batch-size 128 --set run.log_every=1 \
    2>&1 | tr '\r' '\n' > "$TMP/trainer.log" || true
  grep -E '^(training on|model)' "$TMP/trainer.log" || tail -5 "$TMP/trainer.log"
  [[ -f $TMP/run/metrics.jsonl ]] && cp "$TMP/run/metrics.jsonl" "$TMP/trainer-metrics.jsonl"
fi
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg); busiest other processes now:" > "$TMP/after.txt"
ps -eo pcpu,etime,comm,args --sort=-pcpu | awk 'NR > 1 && $1 > 20 {print "  " substr($0, 1, 110)}' | grep -v -E 'ps -eo|awk' | head -3 >> "$TMP/after.txt" || true

"$PY" - "$TMP" "$OUT" <<'PYEOF'
import json, sys, os, datetime
tmp, out = sys.argv[1], sys.argv[2]
j = json.load(open(os.path.join(tmp, "java.json")))
t = json.load(open(os.path.join(tmp, "torch.json")))
pj = {p["batch"]: p for p in j["points"]}
pt = {p["batch"]: p for p in t["points"]}
lines = [open(os.path.join(tmp, "header.txt")).read().rstrip()]
lines.append("java side:  %s, intra/inter-op threads %d/%d, %d parameters in %d tensors (%d decayed)"
             % (j["implementation"], j["intra_op_threads"], j["inter_op_threads"], j["parameters"], j["trainable_tensors"], j["decayed_tensors"]))
lines.append("torch side: %s, intra/inter-op threads %d/%d, %d parameters in %d tensors (%d decayed), BLAS %s with OPENBLAS_NUM_THREADS=1"
             % (t["implementation"], t["intra_op_threads"], t["inter_op_threads"], t["parameters"], t["trainable_tensors"], t["decayed_tensors"], t["blas"]))
pr = j["protocol"]
lines.append("protocol:   full optimizer step (forward, multi-positive InfoNCE, backward, global grad norm + clip 1.0, AdamW, logit-scale clamp);"
             " data loading excluded (random inputs made once);")
lines.append("            %d warm-up steps, median of up to %d repetitions of >= %.1f s each (>= 3 reps; fewer after %.0f s per batch size)"
             % (pr["warmup_steps"], pr["repetitions"], pr["min_rep_seconds"], pr["max_point_seconds"]))
lines.append("")
lines.append("%-6s | %15s %15s %7s | %12s %12s" % ("batch", "java samples/s", "torch samples/s", "ratio", "java ms/step", "torch ms/step"))
lines.append("-" * 80)
ratios = []
for b in sorted(pj):
    js, ts = pj[b]["samples_per_s"], pt[b]["samples_per_s"]
    ratios.append({"batch": b, "ratio": js / ts})
    lines.append("%-6d | %15.1f %15.1f %7.2f | %12.1f %12.1f" % (b, js, ts, js / ts, pj[b]["ms_per_step"], pt[b]["ms_per_step"]))
noisy = []
for side, pts in (("java", pj), ("torch", pt)):
    for b, p in sorted(pts.items()):
        reps = sorted(p["rep_samples_per_s"])
        if (reps[-1] - reps[0]) / p["samples_per_s"] > 0.25:
            noisy.append("%s b=%d: reps %s" % (side, b, " ".join("%.1f" % x for x in reps)))
if noisy:
    lines.append("noisy points ((max - min) / median > 25%; the host stalls at times):")
    lines.extend("  " + n for n in noisy)
lines.append("")
lines.append("where a step's time goes (ms per step, mean over the timed steps):")
phases = ["forward_loss", "backward", "grad_norm", "adamw_clamp"]
lines.append("%-12s %-6s %14s %10s %10s %12s" % ("side", "batch", "forward+loss", "backward", "grad norm", "adamw+clamp"))
for side, pts in (("java", pj), ("torch", pt)):
    for b, p in sorted(pts.items()):
        ph = p["phase_ms_per_step"]
        lines.append("%-12s %-6d %14.1f %10.1f %10.1f %12.1f" % (side, b, *[ph[k] for k in phases]))
gc = ", ".join("b=%d %d ms over %d steps" % (b, p["gc_ms_during_timed"], p["timed_steps"]) for b, p in sorted(pj.items()))
lines.append("java GC time during the timed steps: " + gc)
lines.append("")
lines.append("peak RSS (MB): java %.0f (VmHWM, includes the JVM), torch %.0f (ru_maxrss)" % (j["peak_rss_mb"], t["peak_rss_mb"]))
trainer = None
mpath = os.path.join(tmp, "trainer-metrics.jsonl")
later = []
if os.path.exists(mpath):
    rows = [json.loads(l) for l in open(mpath) if l.strip()]
    rows = [r for r in rows if "time" in r]
    ts = {r["step"]: datetime.datetime.fromisoformat(r["time"].replace("Z", "+00:00")).timestamp() for r in rows}
    later = sorted(s for s in ts if s >= 10) or sorted(ts)
if os.path.exists(mpath) and len(later) >= 2:
    first, last = later[0], later[-1]
    sps = (last - first) * 128 / (ts[last] - ts[first])
    rss = float(open(os.path.join(tmp, "trainer.rss")).read().split()[-1]) / 1024
    trainer = {"batch": 128, "steps_timed": [first, last], "samples_per_s": sps, "ms_per_step": 1000 * 128 / sps,
               "peak_rss_mb": rss, "command": "autoglm train --train shapeworld(2000, seed 3)/train.jsonl --steps 60 --batch-size 128 --set run.log_every=1"}
    lines.append("")
    lines.append("full Trainer (autoglm train, ShapeWorld PNGs decoded + random-resized-crop + tokenized by the loader on 2 threads,")
    lines.append("sharing the 2 cores with the step), batch 128, steps %d..%d from metrics.jsonl timestamps: %.1f samples/s (%.0f ms/step),"
                 % (first, last, sps, 1000 * 128 / sps))
    lines.append("%.2fx the step-only java figure, %.2fx the torch peer (which loads no data); peak RSS %.0f MB"
                 % (sps / pj[128]["samples_per_s"], sps / pt[128]["samples_per_s"], rss) if 128 in pj else "")
lines.append("")
lines.extend(open(os.path.join(tmp, "after.txt")).read().rstrip().splitlines())
lines.append("")
lines.append("ratio = java / torch samples/s (> 1: java faster). Peer: openai/CLIP-style modules (nn.MultiheadAttention, fused"
             " q/k/v projection); java: separate q/k/v projections as Hugging Face. Same shapes, loss, decay groups, clipping.")
text = "\n".join(lines) + "\n"
print(); print(text, end="")
with open(os.path.join(out, "training-throughput.txt"), "w") as f:
    f.write(text)
with open(os.path.join(out, "training-throughput.json"), "w") as f:
    json.dump({"header": open(os.path.join(tmp, "header.txt")).read().splitlines(), "java": j, "torch": t,
               "ratios": ratios, "trainer": trainer}, f, indent=2)
PYEOF

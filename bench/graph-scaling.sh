#!/usr/bin/env bash
# Training cost of GCN and R-GCN against graph size (docs/graph.md): seconds per epoch and peak memory,
# full batch and with neighbour sampling (batch 512, fanout 10,10), on fraud graphs (autoglm data
# fraud-graph, about 3.3 edges a node) of about 10k, 100k and 1M edges. Memory: peak RSS of the JVM
# process (heap, libtorch and everything native) and the largest Java heap seen before a GC.
#
#   bench/graph-scaling.sh [--sizes "1130 11300 113000"] [--epochs 3] [--limit 420] [--out FILE]
#
# --sizes are account counts (about 9 edges an account); a run past --limit seconds is cut and
# reported as such. s/epoch includes the full-batch validation pass at epochs 1 and the last.
# Writes bench/results/graph-scaling.txt by default. Run it with nice on a shared host.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES="1130 11300 113000"
EPOCHS=3
LIMIT=420
RESULT=bench/results/graph-scaling.txt
while [[ $# -gt 0 ]]; do
  case $1 in
    --sizes) SIZES=$2; shift 2 ;;
    --epochs) EPOCHS=$2; shift 2 ;;
    --limit) LIMIT=$2; shift 2 ;;
    --out) RESULT=$2; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
mkdir -p "$(dirname "$RESULT")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
./autoglm --version >/dev/null # builds the CLI when sources changed, before anything is timed
printf 'baseline: false\n' > "$work/full.yaml"
printf 'baseline: false\nbatch_size: 512\nfanout: [10, 10]\n' > "$work/sampled.yaml"
{
  echo "# bench/graph-scaling.sh --sizes \"$SIZES\" --epochs $EPOCHS --limit $LIMIT"
  echo "# $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start (a shared host: ratios only)"
  echo "# hidden 32, 2 layers, R-GCN 4 bases over 5 relations; peak RSS = whole JVM process; heap = largest used heap before a GC"
  for accounts in $SIZES; do
    ./autoglm data fraud-graph --out "$work/g" --accounts "$accounts" --seed 1 > "$work/size.txt"
    for kind in gcn rgcn; do
      for mode in full sampled; do
        rc=0
        AUTOGLM_JAVA_OPTS="-Xlog:gc:file=$work/gc.log" /usr/bin/time -f "%M" -o "$work/rss.txt" \
          timeout "$LIMIT" ./autoglm graph train --model "$kind" --nodes "$work/g/nodes.jsonl" --edges "$work/g/edges.jsonl" \
          --out "$work/model" --epochs "$EPOCHS" --config "$work/$mode.yaml" --format json > "$work/run.json" 2>/dev/null || rc=$?
        python3 - "$work/run.json" "$work/size.txt" "$work/rss.txt" "$work/gc.log" "$kind" "$mode" "$rc" "$LIMIT" <<'PY'
import json, re, sys
run, size, rss, gc, kind, mode, rc, limit = sys.argv[1:]
s = open(size).read().split()
label = "%-7s %-5s %-8s %8s nodes %9s edges" % (kind, mode, "", s[0], s[2])
if rc != "0":
    print(label + ("  cut at %s s (did not finish)" % limit if rc in ("124", "137") else "  failed (exit %s)" % rc))
    sys.exit(0)
m = json.load(open(run))["model"]
heap = 0
for line in open(gc):
    for a in re.findall(r"(\d+)M->\d+M", line):
        heap = max(heap, int(a))
print(label + "  %7.2f s/epoch  peak RSS %6.0f MiB  heap %5d MiB" % (m["train_seconds"] / m["epochs_run"],
      int(open(rss).read().split()[-1]) / 1024, heap))
PY
        rm -f "$work/gc.log"
      done
    done
  done
  echo "# load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
} | tee "$RESULT"

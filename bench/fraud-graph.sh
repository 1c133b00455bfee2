#!/usr/bin/env bash
# Fraud detection on the synthetic transaction graph (autoglm data fraud-graph, docs/graph.md):
# R-GCN against the feature-only MLP baseline trained in the same run on the same node columns,
# then the other layer kinds on the same graph, then training time and peak memory of R-GCN
# (full batch) against graph size (about 10k, 100k and 1M edges).
#
#   bench/fraud-graph.sh [--accounts 10000] [--seed 1] [--epochs 200] [--kinds "gcn sage gat directed"]
#                        [--sizes "1130 11300 113000"] [--out FILE]
#
# --sizes are account counts for the cost section (about 8.9 edges an account).
#
# Writes bench/results/fraud-graph.txt by default. Run it with nice on a shared host.
set -euo pipefail
cd "$(dirname "$0")/.."
ACCOUNTS=10000
SEED=1
EPOCHS=200
RESULT=bench/results/fraud-graph.txt
KINDS="gcn sage gat directed"
SIZES="1130 11300 113000"
while [[ $# -gt 0 ]]; do
  case $1 in
    --accounts) ACCOUNTS=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --epochs) EPOCHS=$2; shift 2 ;;
    --kinds) KINDS=$2; shift 2 ;;
    --sizes) SIZES=$2; shift 2 ;;
    --out) RESULT=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
mkdir -p "$(dirname "$RESULT")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
./autoglm --version >/dev/null # builds the CLI when sources changed, before anything is timed
printf 'baseline: false\n' > "$work/no-baseline.yaml"

metrics() { # the test metrics of one model in a train --format json answer
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); m=d[sys.argv[2]]; t=m["test"]; v=m["val"]
print("%-9s test auroc %.4f  ap %.4f  recall@1%%fpr %.4f  (n %d, positives %d) | val auroc %.4f  ap %.4f  recall@1%%fpr %.4f | best epoch %d, %.1f s"
  % (m["kind"], t["auroc"], t["average_precision"], t["recall_at_1pct_fpr"], t["n"], t["positives"], v["auroc"], v["average_precision"], v["recall_at_1pct_fpr"], m["best_epoch"], m["train_seconds"]))' "$1" "$2"
}

{
  echo "# Fraud graph: R-GCN vs the feature-only baseline, other layers, and cost against size"
  echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit:  $(git rev-parse --short HEAD)"
  echo "host:    $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
  echo "command: bench/fraud-graph.sh --accounts $ACCOUNTS --seed $SEED --epochs $EPOCHS --kinds \"$KINDS\" --sizes \"$SIZES\""
  echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15-min load average at the start; a busy host slows every time below)"
  echo
  ./autoglm data fraud-graph --out "$work/fraud" --accounts "$ACCOUNTS" --seed "$SEED"
  nodes="$work/fraud/nodes.jsonl"
  edges="$work/fraud/edges.jsonl"
  echo
  echo "## R-GCN and the feature-only MLP baseline (one run, same columns, same seed; labels carry 10% missed fraud)"
  ./autoglm graph train --model rgcn --nodes "$nodes" --edges "$edges" --out "$work/rgcn" --epochs "$EPOCHS" --seed "$SEED" \
    --format json > "$work/rgcn.json" 2> "$work/rgcn.log"
  metrics "$work/rgcn.json" model
  metrics "$work/rgcn.json" baseline
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
g=d["model"]["test"]["recall_at_1pct_fpr"]-d["baseline"]["test"]["recall_at_1pct_fpr"]
print("recall@1%%fpr gain over the baseline on test: %+.1f points (target >= 15)" % (100*g))' "$work/rgcn.json"
  echo
  echo "## autoglm graph eval of the saved folder (test split; the baseline in it too)"
  ./autoglm graph eval --model "$work/rgcn" --nodes "$nodes" --edges "$edges" --split test 2>/dev/null
  echo
  echo "## the other layer kinds on the same graph (no baseline: it is the one above)"
  for kind in $KINDS; do
    ./autoglm graph train --model "$kind" --nodes "$nodes" --edges "$edges" --out "$work/$kind" --epochs "$EPOCHS" \
      --seed "$SEED" --config "$work/no-baseline.yaml" --format json > "$work/$kind.json" 2> "$work/$kind.log"
    metrics "$work/$kind.json" model
  done
  echo
  echo "## R-GCN cost against graph size (full batch, 5 epochs, hidden 32, 2 layers, 4 bases; peak RSS of the JVM)"
  for accounts in $SIZES; do
    ./autoglm data fraud-graph --out "$work/size-$accounts" --accounts "$accounts" --seed "$SEED" > "$work/size.txt"
    /usr/bin/time -f "%M" -o "$work/rss.txt" ./autoglm graph train --model rgcn --nodes "$work/size-$accounts/nodes.jsonl" \
      --edges "$work/size-$accounts/edges.jsonl" --out "$work/size-model" --epochs 5 --config "$work/no-baseline.yaml" \
      --format json > "$work/size.json" 2>/dev/null
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); m=d["model"]; s=open(sys.argv[2]).read().split()
print("%-44s %6.2f s/epoch (train, incl. validation every 5)  peak RSS %5.0f MiB" % (s[0] + " nodes, " + s[2] + " edges", m["train_seconds"]/m["epochs_run"], int(open(sys.argv[3]).read().split()[-1])/1024))' \
      "$work/size.json" "$work/size.txt" "$work/rss.txt"
  done
} | tee "$RESULT"

#!/usr/bin/env bash
# Cross-modal recommendation (autoglm data recsys, docs/graph.md): two-tower and DCN rankers against
# the popularity baseline on one generated set, click/like AUROC, NDCG@10 and recall@10 on all items
# and on cold-start items (never shown in training), test split. Item features: the bundled model.
#
#   bench/recsys.sh [--users 1000] [--items 500] [--seed 1] [--epochs 15] [--out FILE]
#
# Writes bench/results/recsys.txt by default. Run it with nice on a shared host.
set -euo pipefail
cd "$(dirname "$0")/.."
USERS=1000
ITEMS=500
SEED=1
EPOCHS=15
RESULT=bench/results/recsys.txt
while [[ $# -gt 0 ]]; do
  case $1 in
    --users) USERS=$2; shift 2 ;;
    --items) ITEMS=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --epochs) EPOCHS=$2; shift 2 ;;
    --out) RESULT=$2; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
mkdir -p "$(dirname "$RESULT")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
./autoglm --version >/dev/null # builds the CLI when sources changed, before anything is timed
{
  echo "# bench/recsys.sh --users $USERS --items $ITEMS --seed $SEED --epochs $EPOCHS"
  echo "# $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
  ./autoglm data recsys --out "$work/set" --users "$USERS" --items "$ITEMS" --seed "$SEED"
  for kind in two-tower dcn; do
    start=$(date +%s)
    ./autoglm graph recommend train --data "$work/set" --model "$kind" --out "$work/$kind" --epochs "$EPOCHS" --seed "$SEED" \
      2> "$work/$kind.log" > /dev/null
    echo "# $kind trained in $(( $(date +%s) - start )) s ($(grep -c '^epoch' "$work/$kind.log") epochs)"
    ./autoglm graph recommend eval --model "$work/$kind" --data "$work/set" --split test
  done
  echo "# load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
} | tee "$RESULT"

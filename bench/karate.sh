#!/usr/bin/env bash
# Zachary's karate club, semi-supervised (docs/graph.md): only members 0 and 33 labelled; GCN and the
# identity-column MLP baseline (graph train's default config) on the other 32, one line per seed.
#
#   bench/karate.sh [--seeds "1 2 3"] [--out FILE]
#
# Writes bench/results/karate.txt by default.
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS="1 2 3"
RESULT=bench/results/karate.txt
while [[ $# -gt 0 ]]; do
  case $1 in
    --seeds) SEEDS=$2; shift 2 ;;
    --out) RESULT=$2; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
mkdir -p "$(dirname "$RESULT")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
./autoglm --version >/dev/null
{
  echo "# bench/karate.sh --seeds \"$SEEDS\"; $(date -u +%FT%TZ); accuracy on the 32 unlabelled members (chance 0.5)"
  ./autoglm data karate --out "$work/data"
  for seed in $SEEDS; do
    echo "## seed $seed"
    ./autoglm graph train --model gcn --nodes "$work/data/nodes.jsonl" --edges "$work/data/edges.jsonl" --out "$work/gcn" \
      --seed "$seed" 2>/dev/null | grep ' test '
  done
} | tee "$RESULT"

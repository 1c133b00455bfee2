#!/usr/bin/env bash
# SolrCloud (1 shard and 2 shards) against the embedded Lucene HNSW index on the same synthetic unit
# vectors and queries: indexing throughput (vectors/s), recall@10 against exact search, queries/s
# (one client thread). The SolrCloud is the local one of `autoglm cluster start` (2 nodes, embedded
# ZooKeeper, one JVM on this host), reached as any SolrCloud is: SolrJ over HTTP.
# Writes RESULTS/solr-vs-lucene-<data>-<n>.txt.
#
#   bench/solr-vs-lucene.sh [N] [DIM] [BENCHMARK OPTIONS...]    (defaults: 100000 128, the bundled model's dimension)
#
# Benchmark options (io.openautoglm.bench.SolrVsLuceneBenchmark): --data clustered|random, --queries Q,
# --candidates C, --commit-every N, --seed S.
# Environment: DATA=clustered, RESULTS=bench/results, SOLR_XMX=2g (the cluster's JVM), XMX=2g (the benchmark's).
set -euo pipefail
cd "$(dirname "$0")/.."
N=100000
DIM=128
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then N=$1; shift; fi
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then DIM=$1; shift; fi
DATA="${DATA:-clustered}"
RESULTS="${RESULTS:-bench/results}"
source bench/lib/cli-jar.sh

work="$(mktemp -d)"
cluster_pid=""
cleanup() {
  if [[ -n $cluster_pid ]] && kill -0 "$cluster_pid" 2>/dev/null; then
    java -jar "$JAR" cluster stop --dir "$work/cluster" >&2 || kill "$cluster_pid" 2>/dev/null || true
    wait "$cluster_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

export AUTOGLM_HOME="$PWD" AUTOGLM_SOLR_JAVA_OPTS="-Xmx${SOLR_XMX:-2g}"
java -Dai.djl.offline=true -jar "$JAR" cluster start --dir "$work/cluster" --nodes 2 --port 0 > "$work/cluster.out" 2> "$work/cluster.err" &
cluster_pid=$!
# Starting two Solr nodes takes seconds on a quiet host and minutes on a crowded one.
for _ in $(seq 1 1200); do
  [[ -s $work/cluster.out ]] && break
  kill -0 "$cluster_pid" 2>/dev/null || { echo "the cluster did not start:" >&2; cat "$work/cluster.err" >&2; exit 1; }
  sleep 0.5
done
solr="$(head -1 "$work/cluster.out")"
[[ $solr == solr://* ]] || { echo "the cluster printed no solr:// line within 600 s: '$solr'" >&2; cat "$work/cluster.err" >&2; exit 1; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "SolrCloud at $solr" >&2

java "-Xmx${XMX:-2g}" -Dai.djl.offline=true -cp "$BENCH_CP" io.openautoglm.bench.SolrVsLuceneBenchmark --solr "$solr" \
  --n "$N" --dim "$DIM" --data "$DATA" --work "$work" --out "$RESULTS/solr-vs-lucene-$DATA-$N.txt" "$@"
# A busy host skews every rate: say how busy it was.
echo "load average (1, 5, 15 min) at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores" | tee -a "$RESULTS/solr-vs-lucene-$DATA-$N.txt"

# Sourced (from the repository root, after `set -euo pipefail` and with ARGS holding the options passed on)
# by the benchmarks that run Debian's PyTorch beside us in the same run. Sets THREADS (from --threads,
# default 2), PY, OUT, TMP (removed on exit), JAR and BENCH_CP (cli-jar.sh), BLAS (the library Debian's
# torch will load), one thread count for every BLAS, and stops when torch is missing.
# Debian's torch uses the system BLAS through alternatives; with only libblas3 (netlib's reference BLAS)
# its matmuls run ~10x slower than with OpenBLAS, which makes an unfair peer, so that is refused unless
# ALLOW_REFERENCE_BLAS=1.
THREADS=2
for ((i = 0; i < ${#ARGS[@]}; i++)); do [[ ${ARGS[i]} == --threads ]] && THREADS=${ARGS[i + 1]}; done
PY=/usr/bin/python3
OUT=bench/results
mkdir -p "$OUT"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
source bench/lib/cli-jar.sh
"$PY" -c 'import torch' 2>/dev/null || { echo "no torch for $PY: apt-get install -y python3-torch" >&2; exit 1; }
BLAS=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo unknown)
if [[ $BLAS != *openblas* && ${ALLOW_REFERENCE_BLAS:-0} != 1 ]]; then
  echo "PyTorch would run on $BLAS, not OpenBLAS (~10x slower matmuls): apt-get install -y libopenblas0-pthread, or ALLOW_REFERENCE_BLAS=1 to measure anyway" >&2
  exit 1
fi
export TORCH_CPP_LOG_LEVEL=ERROR
export OPENBLAS_NUM_THREADS=$THREADS OMP_NUM_THREADS=$THREADS MKL_NUM_THREADS=$THREADS

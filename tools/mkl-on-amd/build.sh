#!/usr/bin/env bash
# Builds libmkl_intel_cpu.so next to this script (needs a C compiler: apt-get install gcc).
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp ./.libmkl_intel_cpu.XXXXXX)
trap 'rm -f "$tmp"' EXIT
cc -shared -fPIC -O2 -o "$tmp" mkl_intel_cpu.c
mv -f "$tmp" libmkl_intel_cpu.so
echo "built $(pwd)/libmkl_intel_cpu.so"

#!/usr/bin/env bash
# Builds libmkl_intel_cpu.so next to this script (needs a C compiler: apt-get install gcc).
set -euo pipefail
cd "$(dirname "$0")"
cc -shared -fPIC -O2 -o libmkl_intel_cpu.so mkl_intel_cpu.c
echo "built $(pwd)/libmkl_intel_cpu.so"

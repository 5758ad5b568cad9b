#!/usr/bin/env bash
# OpenBLAS sgemm vs sbgemm (BF16) at 1024^3 and 2048x2048x512 (M x N x K), medians, GFLOP/s.
# Usage: bench/bf16/sbgemm.sh [LIBOPENBLAS] [THREADS] [REPS]
# Default library: the one the engine uses (the JavaCPP OpenBLAS preset, unpacked by the Maven build
# into target/openblas). OPENBLAS_CORETYPE is passed through as the environment has it, never changed.
set -euo pipefail
cd "$(dirname "$0")/../.."
lib="${1:-$(find target/openblas -name 'libopenblas.so.0' | head -1)}"
[ -n "$lib" ] || { echo "no libopenblas.so.0 under target/openblas: run the Maven build first" >&2; exit 1; }
out=target/bench-bf16
mkdir -p "$out"
g++ -O2 -std=c++17 bench/bf16/sbgemm_bench.cpp -ldl -o "$out/sbgemm_bench"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$out/sbgemm_bench" "$lib" "${2:-2}" "${3:-7}"

#!/usr/bin/env bash
# The whole GPU check, in one go, on a machine with an NVIDIA GPU (built elsewhere: run
# bench/gpu/prepare.sh on the build machine first and carry .device/ along).
#
#   bash bench/gpu/check.sh LOGDIR
#
# Stages, each under a time limit so the whole check stays within about 8 minutes:
#   env        what the machine has (nvidia-smi, nvcc, PyTorch, Java, the carried build)
#   kernels    the CUDA kernel tests: every CUDA kernel against its CPU twin (C++, ctest program)
#   java       the JUnit CUDA tests (backend kernels and autograd ops, CUDA vs CPU)
#   bench      event-timed kernel benchmarks of the engine (Java, CUDA backend)
#   torch      the same cases with PyTorch's CUDA ops on the same card
#   train      a short training run (tiny preset, 40 steps) on the GPU and on the CPU from the
#              same seed: the losses of the first step must agree, none may be NaN
#   summary    the table, printed last (also LOGDIR/summary.txt)
# LOGDIR receives env.txt, status.txt, kernel_tests.txt, java_tests.txt, java_bench.csv,
# torch_bench.csv, train.txt and summary.txt (8 files). Exit code: 0 when every test passed, 1 when a
# test failed, 2 when the machine has no usable GPU or the carried build is missing.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
logdir="${1:?usage: bench/gpu/check.sh LOGDIR}"
mkdir -p "$logdir"
logdir="$(cd "$logdir" && pwd)"
dev="$root/.device"
status="$logdir/status.txt"
: > "$status"
start=$(date +%s)

say() { echo "[check $(( $(date +%s) - start ))s] $*" >&2; }

# stage NAME SECONDS OUTFILE COMMAND...: runs COMMAND with a time limit, output to OUTFILE.
stage() {
  local name=$1 limit=$2 out=$3
  shift 3
  say "$name (limit ${limit}s) -> $(basename "$out")"
  local t0=$(date +%s)
  timeout --kill-after=10 "$limit" "$@" > "$out" 2>&1
  local rc=$?
  printf '%-8s rc=%-3s %4ss  %s\n' "$name" "$rc" "$(( $(date +%s) - t0 ))" "$(basename "$out")" >> "$status"
  return $rc
}

finish() {
  python3 "$root/bench/gpu/summarize.py" "$logdir" | tee "$logdir/summary.txt" || cat "$status"
  say "done"
  exit "$1"
}

# ------------------------------------------------------------------ env
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "commit: $(cat "$dev/COMMIT" 2>/dev/null || echo 'unknown (no .device/COMMIT)')"
  echo "gpu: $(nvidia-smi --query-gpu=name,memory.total,compute_cap --format=csv,noheader 2>/dev/null | head -1 | grep . || echo none)"
  echo "driver: $(nvidia-smi --query-gpu=driver_version --format=csv,noheader 2>/dev/null | head -1 | grep . || echo none)"
  echo "nvcc: $(nvcc --version 2>/dev/null | tail -2 | head -1 || echo 'not found')"
  echo "torch: $(python3 -c 'import torch; print(torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())' 2>&1 | tail -1)"
  echo "java: system $(command -v java >/dev/null && java -version 2>&1 | head -1 || echo 'none'); carried $("$dev/jre/bin/java" -version 2>&1 | head -1)"
  echo "host: $(uname -srm), $(nproc) cores, $(free -g 2>/dev/null | awk '/Mem:/{print $2}') GiB"
  echo
  nvidia-smi 2>&1 || true
  echo
  nvcc --version 2>&1 || true
  echo
  cmake --version 2>&1 | head -1 || true
  echo
  echo "carried build (.device):"
  cat "$dev/MANIFEST" 2>/dev/null || echo "  missing"
} > "$logdir/env.txt" 2>&1
printf '%-8s rc=%-3s %4ss  %s\n' env 0 "$(( $(date +%s) - start ))" env.txt >> "$status"

if [[ ! -x "$dev/jre/bin/java" || ! -f "$dev/lib/weakpair.jar" || ! -f "$dev/bin/cuda_kernels_test" ]]; then
  echo "GPU CHECK NOT RUN: the carried build is missing (.device/jre, .device/lib/weakpair.jar, .device/bin/cuda_kernels_test)." | tee -a "$status"
  echo "Run bench/gpu/prepare.sh on the build machine and name .device in the run's carry list." | tee -a "$status"
  finish 2
fi
if ! nvidia-smi -L > /dev/null 2>&1; then
  why="$(command -v nvidia-smi > /dev/null && nvidia-smi -L 2>&1 | head -1 || echo 'nvidia-smi is not installed')"
  echo "GPU CHECK NOT RUN: no NVIDIA GPU here ($why)." | tee -a "$status"
  # WEAKPAIR_CHECK_FORCE=1 runs the stages anyway (they report that they skipped): a dry run of this script.
  [[ "${WEAKPAIR_CHECK_FORCE:-0}" == 1 ]] || finish 2
  nogpu=1
fi

# ------------------------------------------------------------------ libraries
# cuBLAS and cuDNN (loaded by the JavaCPP presets) may live in the toolkit or in PyTorch's
# pip packages; put every folder that holds one on the loader path.
libdirs=""
for pattern in 'libcudart.so.13*' 'libcublas.so.13*' 'libcublasLt.so.13*' 'libcudnn.so.9*' 'libcudnn_graph.so.9*'; do
  for f in $(find /usr/local/cuda/lib64 /usr/local/cuda/targets /usr/local/lib /usr/lib/x86_64-linux-gnu /opt \
               -name "$pattern" 2>/dev/null | head -3); do
    d="$(dirname "$f")"
    [[ ":$libdirs:" == *":$d:"* ]] || libdirs="$libdirs:$d"
  done
done
# The kernel test program links the engine's libraries and OpenBLAS: take them out of the
# carried jars (carrying them twice would not fit).
native=/tmp/weakpair-native
mkdir -p "$native"
python3 - "$dev/lib" "$native" <<'PY'
import glob, os, sys, zipfile
lib, out = sys.argv[1], sys.argv[2]
wanted = ("libopenblas", "libgfortran", "libquadmath", "libgcc_s", "libweakpair_cpu", "libweakpair_cuda")
for jar in glob.glob(os.path.join(lib, "openblas-*linux-x86_64*.jar")) + [os.path.join(lib, "weakpair.jar")]:
    with zipfile.ZipFile(jar) as z:
        for n in z.namelist():
            base = os.path.basename(n)
            if base.startswith(wanted) and ".so" in base:
                with open(os.path.join(out, base), "wb") as f:
                    f.write(z.read(n))
PY
chmod +x "$dev/bin/cuda_kernels_test" 2>/dev/null || true
export LD_LIBRARY_PATH="$native${libdirs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
echo "loader path: $LD_LIBRARY_PATH" >> "$logdir/env.txt"
cp="$(cat "$dev/lib/classpath.txt")"
java=("$dev/jre/bin/java" -Xmx16g -Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp-cache)

failed=0
# ------------------------------------------------------------------ kernels
stage kernels 150 "$logdir/kernel_tests.txt" "$dev/bin/cuda_kernels_test" || failed=1
# ------------------------------------------------------------------ java tests
stage java 150 "$logdir/java_tests.txt" "${java[@]}" -jar "$dev/lib/junit-platform-console-standalone.jar" execute \
  --disable-banner --details=tree --class-path "$cp" --select-package io.weakpair.backend.cuda || failed=1
# ------------------------------------------------------------------ benchmarks
stage bench 110 "$logdir/java_bench.csv" "${java[@]}" -cp "$cp" io.weakpair.bench.gpu.CudaBench --repeats 9
stage torch 90 "$logdir/torch_bench.csv" python3 "$root/bench/gpu/torch_gpu_bench.py" --repeats 9
# ------------------------------------------------------------------ training
train_check() {
  local tmp=/tmp/weakpair-train-check
  rm -rf "$tmp" && mkdir -p "$tmp"
  "${java[@]}" -cp "$cp" io.weakpair.cli.Main synth --out "$tmp/synth" --ids 60 --seed 1 || return 1
  for device in cuda cpu; do
    echo "== train on $device"
    "${java[@]}" -cp "$cp" io.weakpair.cli.Main train "$tmp/synth" --run-dir "$tmp/$device" --device "$device" \
      --init none --max-steps 40 --batch 8x4 --k-test 8 --warmup 10 || return 1
  done
  python3 "$root/bench/gpu/compare_train_logs.py" "$tmp/cpu/log.jsonl" "$tmp/cuda/log.jsonl"
}
stage train 120 "$logdir/train.txt" train_check || failed=1
(( ${nogpu:-0} )) && failed=2
finish "$failed"

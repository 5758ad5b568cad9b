#!/usr/bin/env bash
# The whole GPU check, in one go, on a machine with an NVIDIA GPU (built elsewhere: run
# bench/gpu/prepare.sh on the build machine first and carry .device/ along).
#
#   bash bench/gpu/check.sh [--emulate] LOGDIR
#
# One device command may run 600 s, so the whole check has a budget (WEAKPAIR_CHECK_BUDGET,
# 450 s) and each stage a cap; a stage never runs past what is left of the budget. Each stage
# prints one line as it ends (PASS / FAIL / SKIP / TIMEOUT, its time, its log), so a run that is
# killed still shows what passed. Stages (cap):
#   env        what the machine has (nvidia-smi, nvcc, PyTorch, the carried build)       15 s
#   preflight  fails in seconds, with one line, when the machine cannot run the build:   30 s
#              the carried runtime unpacks and starts, a GPU is present, the driver
#              supports the CUDA runtime linked into libweakpair_cuda.so, glibc is new
#              enough, every carried library finds its dependencies, cuBLAS loads
#   kernels    the CUDA kernel tests: every CUDA kernel against its CPU twin (C++)       100 s
#   java       the JUnit CUDA tests (backend kernels and autograd ops, CUDA vs CPU)      120 s
#   bench      event-timed kernel benchmarks of the engine (Java, CUDA backend)          60 s
#   torch      the same cases with PyTorch's CUDA ops on the same card                   45 s
#   train      a short training run (tiny preset, 40 steps) on the GPU and on the CPU     80 s
#              from the same seed: the first step's losses must agree, none may be NaN
#   summary    the table, printed last (also LOGDIR/summary.txt)
# LOGDIR receives env.txt, preflight.txt, status.txt, kernel_tests.txt, java_tests.txt,
# java_bench.csv, torch_bench.csv, train.txt and summary.txt. Exit code: 0 when every test
# passed, 1 when a test failed, 2 when the machine cannot run the check (pre-flight) or the
# carried build is missing.
#
# --emulate: a dry run on a machine without a GPU, with a .device staged by
# `prepare.sh --emulate` (the CPU emulator of the kernels): every stage but the timing ones
# (bench, torch) runs, the kernel and Java tests on the emulator (a subset of the Java tests:
# the emulator is slow), the kernel test program on one filter (WEAKPAIR_CHECK_KERNEL_FILTER,
# default attention/many-heads), the training run for 2 steps at 32x16; the GPU-only pre-flight
# items (driver, cuBLAS) say that they skipped.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
emulate=0
if [[ "${1:-}" == "--emulate" ]]; then emulate=1; shift; fi
logdir="${1:?usage: bench/gpu/check.sh [--emulate] LOGDIR}"
mkdir -p "$logdir"
logdir="$(cd "$logdir" && pwd)"
dev="$root/.device"
status="$logdir/status.txt"
: > "$status"
start=$(date +%s)
budget="${WEAKPAIR_CHECK_BUDGET:-450}"
current=""
failed=0

elapsed() { echo $(( $(date +%s) - start )); }
say() { echo "[check $(elapsed)s] $*"; }
# record NAME RESULT SECONDS LOG: one line in status.txt and on stdout, as the stage ends.
record() {
  printf '%-9s %-7s %4ss  %s\n' "$1" "$2" "$3" "$4" >> "$status"
  say "$(printf '%-9s %-7s %4ss  %s' "$1" "$2" "$3" "$4")"
}

finish() {
  trap - TERM INT
  python3 "$root/bench/gpu/summarize.py" "$logdir" > "$logdir/summary.txt" 2>&1 || cat "$status" > "$logdir/summary.txt"
  cat "$logdir/summary.txt"
  say "done (exit $1)"
  exit "$1"
}
# Killed from outside (the device command's limit): say where, keep what passed.
trap 'record "${current:-check}" KILLED "$(elapsed)" "(the check was killed; the lines above passed or failed as shown)"; exit 3' TERM INT

# stage NAME CAP OUTFILE COMMAND...: runs COMMAND under min(CAP, what is left of the budget),
# output to OUTFILE; prints and records PASS/FAIL/TIMEOUT with the last lines of a failure.
stage() {
  local name=$1 cap=$2 out=$3
  shift 3
  local left=$(( budget - $(elapsed) - 10 ))  # 10 s kept for the summary
  local limit=$(( cap < left ? cap : left ))
  if (( limit < 5 )); then
    record "$name" NOT-RUN 0 "(the ${budget}s budget is spent)"
    return 124
  fi
  current=$name
  local t0=$(date +%s)
  if declare -F "$1" > /dev/null; then  # timeout runs programs, not functions: hand it to a bash
    timeout --kill-after=5 "$limit" bash -c "$(declare -p java cp dev emulate jre native root 2>/dev/null); $(declare -f "$1"); $1" \
      > "$out" 2>&1
  else
    timeout --kill-after=5 "$limit" "$@" > "$out" 2>&1
  fi
  local rc=$?
  local took=$(( $(date +%s) - t0 ))
  current=""
  if (( rc == 0 )); then record "$name" PASS "$took" "$(basename "$out")"
  elif (( rc == 124 || rc == 137 )); then record "$name" TIMEOUT "$took" "$(basename "$out") (cap ${limit}s)"
  else record "$name" FAIL "$took" "$(basename "$out") (exit $rc)"; tail -5 "$out" | sed 's/^/    | /'
  fi
  return $rc
}

# ------------------------------------------------------------------ env
current=env
t0=$(date +%s)
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "commit: $(cat "$dev/COMMIT" 2>/dev/null || echo 'unknown (no .device/COMMIT)')"
  echo "gpu: $(timeout 10 nvidia-smi --query-gpu=name,memory.total,compute_cap --format=csv,noheader 2>/dev/null | head -1 | grep . || echo none)"
  echo "driver: $(timeout 10 nvidia-smi --query-gpu=driver_version --format=csv,noheader 2>/dev/null | head -1 | grep . || echo none)"
  echo "nvcc: $(nvcc --version 2>/dev/null | tail -2 | head -1 || echo 'not found')"
  echo "torch: $(timeout 20 python3 -c 'import torch; print(torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())' 2>&1 | tail -1)"
  echo "host: $(uname -srm), $(nproc) cores, $(free -g 2>/dev/null | awk '/Mem:/{print $2}') GiB"
  echo "mode: $( (( emulate )) && echo 'dry run on the CPU emulator (--emulate)' || echo GPU)"
  echo
  timeout 10 nvidia-smi 2>&1 || true
  echo
  echo "carried build (.device):"
  cat "$dev/MANIFEST" 2>/dev/null || echo "  missing"
} > "$logdir/env.txt" 2>&1
record env PASS $(( $(date +%s) - t0 )) env.txt
current=""

# ------------------------------------------------------------------ pre-flight
jre=/tmp/weakpair-jre
native=/tmp/weakpair-native
preflight() {
  # Each check prints "ok: ..." or one "PRE-FLIGHT FAILED: ..." line and returns 2.
  local f
  for f in jre.tar.xz lib/weakpair.jar lib/classpath.txt REQUIRES; do
    [[ -f "$dev/$f" ]] || { echo "PRE-FLIGHT FAILED: the carried build is incomplete: .device/$f is missing (run bench/gpu/prepare.sh on the build machine and name .device in the run's carry list)"; return 2; }
  done
  local kprog; kprog="$(ls "$dev/bin/" 2>/dev/null | head -1)"
  [[ -n "$kprog" ]] || { echo "PRE-FLIGHT FAILED: .device/bin holds no kernel test program"; return 2; }
  local built_emulated; built_emulated="$(sed -n 's/^emulate=//p' "$dev/REQUIRES")"
  if [[ "$built_emulated" != "$emulate" ]]; then
    echo "PRE-FLIGHT FAILED: .device is $( [[ $built_emulated == 1 ]] && echo 'an emulator build (prepare.sh --emulate)' || echo 'a GPU build') but check.sh runs $( (( emulate )) && echo 'with --emulate' || echo 'for a GPU'); prepare the matching build"
    return 2
  fi
  echo "ok: carried build present ($kprog)"
  # the runtime: unpacked from the carry (python3's tarfile: no xz binary needed)
  rm -rf "$jre" && mkdir -p "$jre"
  python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$dev/jre.tar.xz" "$jre.tmp" \
    && mv "$jre.tmp/jre"/* "$jre"/ && rm -rf "$jre.tmp" \
    || { echo "PRE-FLIGHT FAILED: cannot unpack .device/jre.tar.xz"; return 2; }
  "$jre/bin/java" -version > /dev/null 2>&1 || { echo "PRE-FLIGHT FAILED: the carried Java runtime does not start: $("$jre/bin/java" -version 2>&1 | head -1)"; return 2; }
  "$jre/bin/java" --list-modules | grep -q '^java.desktop' || { echo "PRE-FLIGHT FAILED: the carried Java runtime lacks java.desktop (ImageIO): rebuild it with prepare.sh"; return 2; }
  echo "ok: Java runtime ($("$jre/bin/java" -version 2>&1 | head -1)), java.desktop present"
  # glibc
  local need have
  need="$(sed -n 's/^glibc=//p' "$dev/REQUIRES")"
  have="$(python3 -c 'import os; print(os.confstr("CS_GNU_LIBC_VERSION").split()[-1])' 2>/dev/null)"
  if [[ -n "$need" && "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -1)" != "$need" ]]; then
    echo "PRE-FLIGHT FAILED: glibc $have here, the carried binaries need glibc >= $need (build on an older system)"
    return 2
  fi
  echo "ok: glibc $have (needs >= $need)"
  # GPU and driver against the CUDA runtime linked statically into libweakpair_cuda.so
  if (( emulate )); then
    echo "skip: GPU, driver and cuBLAS checks (--emulate: the CPU emulator stands in for the GPU)"
  else
    timeout 10 nvidia-smi -L > /dev/null 2>&1 || { echo "PRE-FLIGHT FAILED: no NVIDIA GPU here ($(command -v nvidia-smi > /dev/null && timeout 10 nvidia-smi -L 2>&1 | head -1 || echo 'nvidia-smi is not installed'))"; return 2; }
    local runtime driver
    runtime="$(sed -n 's/^cuda_runtime=//p' "$dev/REQUIRES")"
    driver="$(python3 - <<'PY'
import ctypes
try:
    cuda = ctypes.CDLL("libcuda.so.1")
    v = ctypes.c_int(0)
    cuda.cuDriverGetVersion(ctypes.byref(v))
    print(f"{v.value // 1000}.{(v.value % 1000) // 10}")
except OSError as e:
    print("none:" + str(e))
PY
)"
    [[ "$driver" != none:* ]] || { echo "PRE-FLIGHT FAILED: the NVIDIA driver library cannot be loaded (${driver#none:})"; return 2; }
    if [[ "$(printf '%s\n%s\n' "$runtime" "$driver" | sort -V | head -1)" != "$runtime" ]]; then
      echo "PRE-FLIGHT FAILED: the driver supports CUDA up to $driver, libweakpair_cuda.so links the CUDA $runtime runtime: a newer driver is needed"
      return 2
    fi
    echo "ok: GPU $(timeout 10 nvidia-smi --query-gpu=name --format=csv,noheader | head -1), driver supports CUDA $driver >= runtime $runtime"
  fi
  # the native libraries: out of the carried jars (no copies carried), then every dependency found
  rm -rf "$native" && mkdir -p "$native"
  python3 - "$dev/lib" "$native" <<'PY' || { echo "PRE-FLIGHT FAILED: cannot extract the native libraries from the carried jars"; return 2; }
import glob, os, sys, zipfile
lib, out = sys.argv[1], sys.argv[2]
wanted = ("libopenblas", "libgfortran", "libquadmath", "libgcc_s", "libweakpair_cpu", "libweakpair_cuda", "libjnicudart", "libjnicublas")
for jar in glob.glob(os.path.join(lib, "*linux-x86_64*.jar")) + [os.path.join(lib, "weakpair.jar")]:
    with zipfile.ZipFile(jar) as z:
        for n in z.namelist():
            base = os.path.basename(n)
            if base.startswith(wanted) and ".so" in base:
                with open(os.path.join(out, base), "wb") as f:
                    f.write(z.read(n))
PY
  chmod +x "$dev/bin/$kprog" 2>/dev/null || true
  local missing
  missing="$(cd "$native" && for so in "$dev/bin/$kprog" libweakpair_*.so libopenblas*.so* "$jre/lib/server/libjvm.so"; do
               ldd "$so" 2>/dev/null | sed -n "s|^[[:space:]]*\([^ ]*\) => not found|$(basename "$so"): \1|p"; done)"
  [[ -z "$missing" ]] || { echo "PRE-FLIGHT FAILED: libraries not found: $(echo "$missing" | sort -u | tr '\n' ' ')"; return 2; }
  echo "ok: every carried program and library finds its dependencies"
  if (( ! emulate )); then
    # cuBLAS: the engine's GEMMs need it on a GPU (no silent fall-back to the built-in kernel)
    local cublas
    cublas="$(python3 -c 'import ctypes
try:
    ctypes.CDLL("libcublasLt.so.13"); ctypes.CDLL("libcublas.so.13"); print("ok")
except OSError as e:
    print(e)' 2>&1)"
    [[ "$cublas" == ok ]] || { echo "PRE-FLIGHT FAILED: cuBLAS cannot be loaded ($cublas); loader path: $LD_LIBRARY_PATH"; return 2; }
    local jni
    jni="$(cd "$native" && ldd libjnicublas.so 2>/dev/null | sed -n 's|^[[:space:]]*\([^ ]*\) => not found|\1|p' | tr '\n' ' ')"
    [[ -z "$jni" ]] || { echo "PRE-FLIGHT FAILED: the cuBLAS binding (libjnicublas.so) lacks: $jni"; return 2; }
    echo "ok: cuBLAS loads (libcublas.so.13, libcublasLt.so.13) and its Java binding finds it"
  fi
  return 0
}

# cuBLAS and cuDNN (loaded by the JavaCPP presets) may live in the toolkit or in PyTorch's
# pip packages; put every folder that holds one on the loader path.
libdirs=""
for pattern in 'libcudart.so.13*' 'libcublas.so.13*' 'libcublasLt.so.13*' 'libcudnn.so.9*' 'libcudnn_graph.so.9*'; do
  for f in $(timeout 10 find /usr/local/cuda/lib64 /usr/local/cuda/targets /usr/local/lib /usr/lib/x86_64-linux-gnu /opt \
               -name "$pattern" 2>/dev/null | head -3); do
    d="$(dirname "$f")"
    [[ ":$libdirs:" == *":$d:"* ]] || libdirs="$libdirs:$d"
  done
done
export LD_LIBRARY_PATH="$native${libdirs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
echo "loader path: $LD_LIBRARY_PATH" >> "$logdir/env.txt"

if ! stage preflight 30 "$logdir/preflight.txt" preflight; then
  grep -h 'PRE-FLIGHT FAILED' "$logdir/preflight.txt" | head -1
  finish 2
fi

cp="$(cat "$dev/lib/classpath.txt")"
java=("$jre/bin/java" -Xmx16g -Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp-cache)
(( emulate )) && java+=(-Dweakpair.cuda.emulator=true)

# ------------------------------------------------------------------ kernels
# (the emulator runs the whole program in minutes: the dry run takes the cases of one filter)
stage kernels 100 "$logdir/kernel_tests.txt" "$dev/bin/$(ls "$dev/bin/" | head -1)" \
  $( (( emulate )) && echo "${WEAKPAIR_CHECK_KERNEL_FILTER:-attention/many-heads}") || failed=1
# ------------------------------------------------------------------ java tests
if (( emulate )); then  # the emulator is slow: the kernels, the availability rules and the sync count
  select=(--select-class io.weakpair.backend.cuda.CudaKernelsTest --select-class io.weakpair.backend.cuda.CudaAvailabilityTest
          --select-class io.weakpair.backend.cuda.CudaGemmsChoiceTest --select-class io.weakpair.backend.cuda.CudaSyncCountTest)
else
  select=(--select-package io.weakpair.backend.cuda)
fi
stage java 120 "$logdir/java_tests.txt" "${java[@]}" -jar "$dev/lib/junit-platform-console-standalone.jar" execute \
  --disable-banner --details=tree --fail-if-no-tests --class-path "$cp" "${select[@]}" || failed=1
# ------------------------------------------------------------------ benchmarks (timing: GPU only)
if (( emulate )); then
  record bench SKIP 0 "(timing: GPU only)"
  record torch SKIP 0 "(timing: GPU only)"
else
  stage bench 60 "$logdir/java_bench.csv" "${java[@]}" -cp "$cp" io.weakpair.bench.gpu.CudaBench --repeats 9
  stage torch 45 "$logdir/torch_bench.csv" python3 "$root/bench/gpu/torch_gpu_bench.py" --repeats 9
fi
# ------------------------------------------------------------------ training
train_check() {
  local tmp=/tmp/weakpair-train-check steps=40 ids=60 batch=8x4 warmup=10 ktest=8 size=()
  # the emulator runs a few small steps (32x16 images) in the stage's time
  (( emulate )) && steps=2 ids=8 batch=2x2 warmup=1 ktest=0 size=(--image-size 32x16)
  rm -rf "$tmp" && mkdir -p "$tmp"
  "${java[@]}" -cp "$cp" io.weakpair.cli.Main synth --out "$tmp/synth" --ids "$ids" --seed 1 \
    $( (( emulate )) && echo --size 32x16) || return 1
  for device in cuda cpu; do
    echo "== train on $device"
    "${java[@]}" -cp "$cp" io.weakpair.cli.Main train "$tmp/synth" --run-dir "$tmp/$device" --device "$device" \
      --init none --max-steps "$steps" --batch "$batch" --k-test "$ktest" --warmup "$warmup" "${size[@]}" || return 1
  done
  python3 "$root/bench/gpu/compare_train_logs.py" $( (( emulate )) && echo --first-step-only) "$tmp/cpu/log.jsonl" "$tmp/cuda/log.jsonl"
}
# (the emulator's steps of the tiny model take minutes: the dry run gives it the rest of the budget)
stage train $( (( emulate )) && echo 300 || echo 80) "$logdir/train.txt" train_check || failed=1
finish "$failed"

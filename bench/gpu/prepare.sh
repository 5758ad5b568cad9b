#!/usr/bin/env bash
# Builds, on a machine with nvcc (no GPU needed), everything the GPU check runs, and stages it
# (sm_80 machine code; sm_90 machine code and PTX) into .device/ (ignored by git) for the GPU machine, which has no network and no Java:
#
#   .device/jre/          a jlink'ed Java runtime (only the modules the engine needs)
#   .device/lib/          weakpair.jar (with libweakpair_cpu/cuda.so and their JNI glue),
#                         weakpair-tests.jar (JUnit tests and bench mains), the runtime
#                         dependency jars (the OpenBLAS and CUDA preset natives slimmed to
#                         what is loaded), the JUnit console launcher, classpath.txt
#   .device/bin/          cuda_kernels_test (the CUDA-vs-CPU kernel test program) and the
#                         engine's shared libraries it links
#   .device/COMMIT, MANIFEST
#
# Then it checks that the working tree plus .device fit the 64 MiB a GPU run may carry and
# prints the command to run there. Usage: bash bench/gpu/prepare.sh [--no-build]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
dev=.device
limit_mib=64

if [[ "${1:-}" != "--no-build" ]]; then
  command -v nvcc > /dev/null || { echo "prepare: nvcc is not on the PATH: the CUDA library needs the CUDA toolkit" >&2; exit 1; }
  echo "prepare: building with nvcc (sm_80, sm_90) ..." >&2
  mvn -q -B -DskipTests -Dbuild.jobs="$(nproc)" -Dcuda.enable=ON "-Dcuda.archs=80-real;90" package
fi
for f in target/weakpair.jar target/classpath.txt target/cmake/cuda_kernels_test \
         target/classes/io/weakpair/nativ/linux-x86_64/libweakpair_cuda.so; do
  [[ -e "$f" ]] || { echo "prepare: $f is missing; build with nvcc first (drop --no-build)" >&2; exit 1; }
done
if ! strings target/classes/io/weakpair/nativ/linux-x86_64/libweakpair_cuda.so | grep 'sm_90' > /dev/null; then
  echo "prepare: libweakpair_cuda.so has no sm_90 code (an emulator build?); rebuild with -Dcuda.enable=ON" >&2
  exit 1
fi

rm -rf "$dev"
mkdir -p "$dev/lib" "$dev/bin"

# ---- Java runtime
# jdk.zipfs: the JUnit console scans test jars through it
jlink --add-modules java.base,java.logging,java.management,jdk.unsupported,jdk.zipfs \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$dev/jre"

# ---- jars
cp target/weakpair.jar "$dev/lib/"
(cd target/test-classes && jar cf "$root/$dev/lib/weakpair-tests.jar" .)
slim() {  # slim JAR OUT PATTERN...: a copy of JAR holding only the entries matching a pattern
  local jar=$1 out=$2
  shift 2
  local tmp
  tmp="$(mktemp -d)"
  (cd "$tmp" && unzip -q "$jar" "$@" && jar cf "$out" .)
  rm -rf "$tmp"
}
cpath="$dev/lib/weakpair.jar:$dev/lib/weakpair-tests.jar"
IFS=: read -r -a deps < target/classpath.txt || true  # no final newline
for jar in "${deps[@]}"; do
  name="$(basename "$jar")"
  case "$name" in
    fastutil-*) continue ;;  # 24 MB, unused by the GPU check
    openblas-*-linux-x86_64.jar)
      slim "$jar" "$root/$dev/lib/$name" 'org/bytedeco/openblas/linux-x86_64/libopenblas.so.0' \
        'org/bytedeco/openblas/linux-x86_64/libjniopenblas_nolapack.so' 'org/bytedeco/openblas/linux-x86_64/libgfortran.so.5' \
        'org/bytedeco/openblas/linux-x86_64/libquadmath.so.0' 'org/bytedeco/openblas/linux-x86_64/libgcc_s.so.1' ;;
    cuda-*-linux-x86_64.jar)
      slim "$jar" "$root/$dev/lib/$name" 'org/bytedeco/cuda/linux-x86_64/libjnicudart.so' \
        'org/bytedeco/cuda/linux-x86_64/libjnicublas.so' 'org/bytedeco/cuda/linux-x86_64/libjnicudnn.so' ;;
    *) cp "$jar" "$dev/lib/" ;;
  esac
  cpath="$cpath:$dev/lib/$name"
done
echo "$cpath" > "$dev/lib/classpath.txt"

# JUnit's console launcher, the same platform version as the Jupiter the tests compile against.
junit="$(sed -n 's:.*<junit.version>\(.*\)</junit.version>.*:\1:p' pom.xml)"
platform="1.${junit#5.}"
mvn -q -B dependency:copy "-Dartifact=org.junit.platform:junit-platform-console-standalone:$platform" \
  "-DoutputDirectory=$dev/lib" > /dev/null
mv "$dev/lib/junit-platform-console-standalone-$platform.jar" "$dev/lib/junit-platform-console-standalone.jar"

# ---- the kernel test program (check.sh takes the libraries it links out of the jars: no copies)
cp target/cmake/cuda_kernels_test "$dev/bin/"

# ---- provenance
echo "$(git rev-parse HEAD)$(git diff --quiet HEAD -- . ':!.device' || echo ' (with uncommitted changes)')" > "$dev/COMMIT"
{
  echo "built $(date -u '+%Y-%m-%d %H:%M UTC') on $(uname -n): $(nvcc --version | tail -2 | head -1)"
  echo "libweakpair_cuda.so architectures: $(strings target/classes/io/weakpair/nativ/linux-x86_64/libweakpair_cuda.so | grep -oE 'sm_[0-9]+a?' | sort -u | tr '\n' ' ')"
  (cd "$dev" && find . -type f -not -path './jre/*' -printf '%8s  %p\n' | sort -k2)
  echo "jre: $(du -sh "$dev/jre" | cut -f1)"
} > "$dev/MANIFEST"

# ---- size check: what a run carries is the working tree (tracked and untracked-not-ignored
# files) plus .device
tree_bytes=$(git ls-files -z -co --exclude-standard | xargs -0 -r du -cb 2>/dev/null | tail -1 | cut -f1)
dev_bytes=$(du -sb "$dev" | cut -f1)
total=$(( tree_bytes + dev_bytes ))
printf 'prepare: working tree %.1f MiB + .device %.1f MiB = %.1f MiB (limit %d MiB)\n' \
  "$(echo "$tree_bytes / 1048576" | bc -l)" "$(echo "$dev_bytes / 1048576" | bc -l)" "$(echo "$total / 1048576" | bc -l)" "$limit_mib" >&2
if (( total > limit_mib * 1048576 )); then
  echo "prepare: too large for one GPU run; slim .device further" >&2
  exit 1
fi
cat >&2 <<MSG
prepare: ready. On the GPU machine (device tool), run:
  run(command="bash bench/gpu/check.sh \$OUT", carry=[".device"], timeout_s=600)
MSG

#!/usr/bin/env bash
# Builds, on a machine with nvcc (no GPU needed), everything the GPU check runs, and stages it
# into .device/ (ignored by git) for the GPU machine, which has no network and no Java. Only
# sm_90 machine code (H100/H200: the check's cards) unless WEAKPAIR_CUDA_ARCHS says otherwise
# (CMake syntax, e.g. "80-real;90"): one architecture keeps the carry small.
#
#   .device/jre.tar.xz    a jlink'ed Java runtime (the modules the engine needs, java.desktop
#                         included: ImageIO/BufferedImage read and write the images),
#                         xz-compressed; check.sh unpacks it (python3's tarfile) on the GPU machine
#   .device/lib/          weakpair.jar (with libweakpair_cpu/cuda.so and their JNI glue),
#                         weakpair-tests.jar (JUnit tests and bench mains), the runtime
#                         dependency jars (the OpenBLAS and CUDA preset natives slimmed to
#                         what is loaded), the JUnit console launcher, classpath.txt
#   .device/bin/          cuda_kernels_test (the CUDA-vs-CPU kernel test program) and the
#                         engine's shared libraries it links
#   .device/COMMIT, MANIFEST
#   .device/REQUIRES      what check.sh's pre-flight compares with the GPU machine: the CUDA
#                         runtime linked statically into libweakpair_cuda.so (the driver must
#                         support it) and the newest glibc symbol version the carried binaries use
#
# With --emulate it stages an emulator build instead (-Dcuda.enable=EMULATE: no nvcc, the kernel
# test program is cuda_kernels_emu_test), for a dry run of check.sh on a machine without a GPU
# (`bash bench/gpu/check.sh --emulate LOGDIR`).
#
# Before packing, the carried runtime itself writes and reads an image through ImageIO
# (`weakpair synth`): a missing module fails here, not on the GPU machine.
#
# Then it checks that the working tree plus .device fit the 64 MiB a GPU run may carry and
# prints the command to run there. Usage: bash bench/gpu/prepare.sh [--no-build] [--emulate]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
dev=.device
limit_mib=64
build=1 emulate=0
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    --emulate) emulate=1 ;;
    *) echo "prepare: unknown argument $arg (usage: prepare.sh [--no-build] [--emulate])" >&2; exit 1 ;;
  esac
done
archs="${WEAKPAIR_CUDA_ARCHS:-90-real}"
cudalib=target/classes/io/weakpair/nativ/linux-x86_64/libweakpair_cuda.so
kernel_test=cuda_kernels_test
(( emulate )) && kernel_test=cuda_kernels_emu_test

if (( build )); then
  if (( emulate )); then
    echo "prepare: building the emulator build (-Dcuda.enable=EMULATE) ..." >&2
    mvn -q -B -DskipTests -Dbuild.jobs="$(nproc)" -Dcuda.enable=EMULATE package
  else
    command -v nvcc > /dev/null || { echo "prepare: nvcc is not on the PATH: the CUDA library needs the CUDA toolkit" >&2; exit 1; }
    echo "prepare: building with nvcc ($archs) ..." >&2
    mvn -q -B -DskipTests -Dbuild.jobs="$(nproc)" -Dcuda.enable=ON "-Dcuda.archs=$archs" package
  fi
fi
for f in target/weakpair.jar target/classpath.txt "target/cmake/$kernel_test" "$cudalib"; do
  [[ -e "$f" ]] || { echo "prepare: $f is missing; build first (drop --no-build)" >&2; exit 1; }
done
if (( ! emulate )) && ! strings "$cudalib" | grep 'sm_90' > /dev/null; then
  echo "prepare: libweakpair_cuda.so has no sm_90 code (an emulator build?); rebuild with -Dcuda.enable=ON" >&2
  exit 1
fi

rm -rf "$dev"
mkdir -p "$dev/lib" "$dev/bin"

# ---- Java runtime
# java.desktop: ImageIO and BufferedImage (the data pipeline, synth, the train stage);
# jdk.zipfs: the JUnit console scans test jars through it
jre="$(mktemp -d)/jre"
jlink --add-modules java.base,java.desktop,java.logging,java.management,jdk.unsupported,jdk.zipfs \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$jre"
# the JVM's symbol tables: 4 MiB of the runtime, not needed to run it
find "$jre" -name '*.so' -type f -exec strip --strip-unneeded {} + 2>/dev/null || true

# ---- jars
# the shipped model (io/weakpair/models/, several MiB) is in the working tree already and unused by the check
tmpjar="$(mktemp -d)"
(cd "$tmpjar" && unzip -q "$root/target/weakpair.jar" -x 'io/weakpair/models/*' && jar cfm "$root/$dev/lib/weakpair.jar" META-INF/MANIFEST.MF -C . .)
rm -rf "$tmpjar"
(cd target/test-classes && jar cf "$root/$dev/lib/weakpair-tests.jar" .)
slim() {  # slim JAR OUT PATTERN...: a copy of JAR holding only the entries matching a pattern
  local jar=$1 out=$2
  shift 2
  local tmp
  tmp="$(mktemp -d)"
  # unzip exits 11 when a pattern matches nothing (a class without nested classes): not an error here
  (cd "$tmp" && { unzip -q "$jar" "$@" > /dev/null 2>&1 || [[ $? -eq 11 ]]; } && jar cf "$out" .)
  rm -rf "$tmp"
}
cpath="$dev/lib/weakpair.jar:$dev/lib/weakpair-tests.jar"
tmp_edges="$(mktemp)" tmp_roots="$(mktemp)"
IFS=: read -r -a deps < target/classpath.txt || true  # no final newline
for jar in "${deps[@]}"; do
  name="$(basename "$jar")"
  case "$name" in
    # unused by the GPU check (the web server, search index, Kotlin for the server): the carry's 64 MiB
    javalin-*|jetty-*|websocket-*|kotlin-*|annotations-13.*|lucene-*) continue ;;
    fastutil-*)  # 24 MB; evaluation uses a few of its classes: only those and what they need (jdeps)
      jdeps -verbose:class -filter:none "$jar" 2>/dev/null | grep -E '^\s+it\.unimi' > "$tmp_edges"
      jdeps -verbose:class -filter:none target/classes target/test-classes 2>/dev/null \
        | grep -oE -- '-> it\.unimi\.dsi\.fastutil\.[A-Za-z0-9_.$]+' | sed 's/-> //' | sort -u > "$tmp_roots"
      mapfile -t fu_entries < <(python3 - "$tmp_edges" "$tmp_roots" <<'PY'
import collections, re, sys
edges = collections.defaultdict(set)
for line in open(sys.argv[1]):
    m = re.match(r"\s+(\S+)\s+->\s+(it\.unimi\S+)", line)
    if m:
        edges[m.group(1)].add(m.group(2))
seen, todo = set(), [l.strip() for l in open(sys.argv[2]) if l.strip()]
while todo:
    c = todo.pop()
    if c not in seen:
        seen.add(c)
        todo.extend(edges.get(c, ()))
for c in sorted(seen):  # each class with its nested classes
    path = c.replace(".", "/")
    print(path + ".class")
    print(path + "$*")
PY
)
      slim "$jar" "$root/$dev/lib/$name" "${fu_entries[@]}" ;;
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
cp "target/cmake/$kernel_test" "$dev/bin/"

# ---- the carried runtime runs the code that needs java.desktop (ImageIO writes and reads PNGs)
smoke="$(mktemp -d)"
if ! "$jre/bin/java" -cp "$(cat "$dev/lib/classpath.txt")" io.weakpair.cli.Main synth \
     --out "$smoke/synth" --ids 2 --seed 1 > "$smoke/log" 2>&1; then
  echo "prepare: the jlink'ed runtime cannot run 'weakpair synth' (a module missing?):" >&2
  tail -5 "$smoke/log" >&2
  exit 1
fi
rm -rf "$smoke"
echo "prepare: the carried runtime ran 'weakpair synth' (ImageIO) here" >&2

# ---- what the GPU machine must offer: the driver must support the CUDA runtime linked into the
# library; glibc must be at least the newest GLIBC_ symbol version the carried binaries use
glibc_needed="$( { find "$jre" -name '*.so*' -type f; echo "$cudalib"; echo "target/cmake/$kernel_test"
                  find target/classes -name 'libweakpair_*.so' -type f; } \
                | xargs objdump -T 2>/dev/null | grep -oE 'GLIBC_[0-9]+(\.[0-9]+)+' | sed 's/GLIBC_//' | sort -uV | tail -1)"
if (( emulate )); then cuda_runtime=none
else cuda_runtime="$(nvcc --version | sed -n 's/.*release \([0-9]*\)\.\([0-9]*\).*/\1.\2/p')"; fi
{
  echo "cuda_runtime=$cuda_runtime"
  echo "glibc=$glibc_needed"
  echo "emulate=$emulate"
} > "$dev/REQUIRES"

# ---- pack the runtime (about a third of its size as xz)
tar -C "$(dirname "$jre")" -cf - jre | xz -6 -T0 > "$dev/jre.tar.xz"
jre_unpacked="$(du -sh "$jre" | cut -f1)"
rm -rf "$(dirname "$jre")"

# ---- provenance
echo "$(git rev-parse HEAD)$(git diff --quiet HEAD -- . ':!.device' || echo ' (with uncommitted changes)')" > "$dev/COMMIT"
{
  echo "built $(date -u '+%Y-%m-%d %H:%M UTC') on $(uname -n): $( (( emulate )) && echo 'emulator build' || nvcc --version | tail -2 | head -1)"
  echo "libweakpair_cuda.so architectures: $( (( emulate )) && echo 'none (CPU emulator)' || strings "$cudalib" | grep -oE 'sm_[0-9]+a?' | sort -u | tr '\n' ' ')"
  (cd "$dev" && find . -type f -printf '%8s  %p\n' | sort -k2)
  echo "jre: $jre_unpacked unpacked"
  sed 's/^/requires: /' "$dev/REQUIRES"
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
if (( emulate )); then
  echo "prepare: ready (emulator build). Dry run here: bash bench/gpu/check.sh --emulate /tmp/gpu-check" >&2
else
cat >&2 <<MSG
prepare: ready. On the GPU machine (device tool), run:
  run(command="bash bench/gpu/check.sh \$OUT", carry=[".device"], timeout_s=540)
MSG
fi

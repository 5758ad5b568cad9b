#!/usr/bin/env bash
# One training step (all losses, backward, AdamW) and the gallery forward of the model presets,
# medians after warm-up, with peak resident memory. Each run is its own JVM.
#   bench/model_step.sh                 # tiny and small training steps (16 x 4), base forward
#   bench/model_step.sh tiny 16 4 20    # PRESET P K STEPS [train|forward] [none|fusion|all: recompute]
#   WEAKPAIR_JFR=1 bench/model_step.sh tiny ...   # also record a JFR profile into bench/out/
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -q -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >&2
mkdir -p bench/out
cp="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
run() {
  local jfr=()
  if [[ -n "${WEAKPAIR_JFR:-}" ]]; then jfr=("-XX:StartFlightRecording=filename=bench/out/model_step_$1_$5.jfr,settings=profile"); fi
  OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE} java -Xmx8g "${jfr[@]}" -cp "$cp" io.weakpair.bench.ModelStepMain "$@"
}
if [[ $# -gt 0 ]]; then run "$@"; exit; fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), commit $(git rev-parse --short HEAD)"
run tiny 16 4 20 train
run small 16 4 10 train
run tiny 16 4 20 forward
run small 16 4 10 forward
run base 4 4 5 forward

#!/usr/bin/env bash
# Dev check (not part of the test suite): one full training step of the engine (fine-tune
# objective uITC + GITM + MLM, dropout off, backward, clipping, AdamW) against the same step in
# PyTorch (bench/pytorch/step_reference.py) on the same checkpoint, batch, GITM pairs and MLM
# masks. Compares the projections, ITM and MLM logits, every loss term, every parameter's
# gradient and every parameter after the update: relative error ||engine - torch|| / ||torch||
# at most TOL in F32, else exit 1. Two checkpoints: albef_torch.py's (random biases and
# LayerNorm gains, O(1) activations) and the engine's own fresh initialisation.
#   bench/pytorch/check_step.sh [PRESET=tiny] [P=4 K=4]
# Environment: TOL (1e-4), SEED (1), KEEP=DIR (keep the files there), MVN_FLAGS (e.g. -Dcuda.enable=EMULATE).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/bench/pytorch"
preset=${1:-tiny}; p=${2:-4}; k=${3:-4}; tol=${TOL:-1e-4}; seed=${SEED:-1}
py=${PYTHON:-/usr/bin/python3}
if [[ -n "${KEEP:-}" ]]; then work="$KEEP"; mkdir -p "$work"; else work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT; fi
cd "$root"
mvn -q -o ${MVN_FLAGS:-} -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >&2
cp="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
dump() { java -Xmx4g -cp "$cp" io.weakpair.bench.StepDumpMain "$@"; }
"$py" "$here/albef_torch.py" --init "$preset" --out "$work/ck_torch.safetensors" --seed 7
dump --init "$preset" "$work/ck_engine.safetensors"
status=0
for from in torch engine; do
  ck="$work/ck_$from.safetensors"
  dump "$ck" "$work/step_$from.safetensors" "$p" "$k" "$seed"
  echo "== preset $preset, checkpoint from $from, batch ${p}x${k}: engine vs PyTorch float32 (tolerance $tol)"
  "$py" "$here/step_reference.py" "$ck" "$work/step_$from.safetensors" --tol "$tol" || status=1
  echo "-- the same against PyTorch float64 (how far F32 rounding alone goes; not judged)"
  "$py" "$here/step_reference.py" "$ck" "$work/step_$from.safetensors" --dtype float64 --tol 1 --show 1 | grep -E "^(out|loss)\.|\.\*" || true
done
[[ $status == 0 ]] && echo "OK" || echo "FAILED (KEEP=DIR keeps the checkpoints and dumps)"
exit $status

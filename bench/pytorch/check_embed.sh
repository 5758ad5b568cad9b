#!/usr/bin/env bash
# Dev check (not part of the test suite): `weakpair embed --input` against the PyTorch model
# of bench/pytorch/albef_torch.py on the same checkpoints and random inputs. Every output
# tensor must be within relative error TOL (||engine - torch|| / ||torch||, F32); exits 1 on any failure or missing tensor.
#   bench/pytorch/check_embed.sh [PRESET=tiny]
# Environment: TOL (1e-4), SEED (1), KEEP=DIR (keep the files there),
#   CK_FROM=torch  use albef_torch.py's checkpoint instead of `weakpair init`'s,
#   EMBED_FROM=torch  also run the reference as "engine" (tests this script without the engine).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/bench/pytorch"
preset=${1:-tiny}; tol=${TOL:-1e-4}; seed=${SEED:-1}
py=${PYTHON:-/usr/bin/python3}
if [[ -n "${KEEP:-}" ]]; then work="$KEEP"; mkdir -p "$work"; else work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT; fi
cd "$root"
# Two checkpoints: the engine's own (`weakpair init`, with I64 inputs) and a foreign one written
# by albef_torch.py (with I32 inputs), whose O(1) activations make GELU's form and the softmax
# scale visible above F32 rounding (albef_torch.init_checkpoint).
"$py" "$here/albef_torch.py" --init "$preset" --out "$work/ck_torch.safetensors" --seed 7
if [[ "${CK_FROM:-engine}" == torch ]]; then
  cp "$work/ck_torch.safetensors" "$work/ck_engine.safetensors"
else
  ./weakpair init --preset "$preset" --out "$work/ck_engine.safetensors" --seed 7
fi
status=0
for run in engine:i64 torch:i32; do
  ck="$work/ck_${run%%:*}.safetensors"; ints=${run##*:}; tag="${run%%:*}_$ints"
  in="$work/in_$tag.safetensors"
  flag=(); [[ $ints == i32 ]] && flag=(--int32)
  "$py" "$here/embed_reference.py" --make-input "$ck" "$in" --seed "$seed" "${flag[@]}"
  if [[ "${EMBED_FROM:-engine}" == torch ]]; then
    "$py" "$here/embed_reference.py" "$ck" "$in" "$work/engine_$tag.safetensors"
  else
    ./weakpair embed --checkpoint "$ck" --input "$in" --output "$work/engine_$tag.safetensors"
  fi
  "$py" "$here/embed_reference.py" "$ck" "$in" "$work/torch_$tag.safetensors"
  "$py" "$here/embed_reference.py" "$ck" "$in" "$work/torch64_$tag.safetensors" --dtype float64
  echo "== preset $preset, checkpoint from ${run%%:*}, $ints inputs: engine vs PyTorch float32 (tolerance $tol; last column: vs float64)"
  "$py" "$here/embed_reference.py" --compare "$work/engine_$tag.safetensors" "$work/torch_$tag.safetensors" \
      --ref64 "$work/torch64_$tag.safetensors" --tol "$tol" || status=1
  seed=$((seed + 1))
done
[[ $status == 0 ]] && echo "OK" || echo "FAILED (bench/pytorch/diagnose_embed.py CK IN ENGINE_OUT names likely slips; KEEP=DIR keeps the files)"
exit $status

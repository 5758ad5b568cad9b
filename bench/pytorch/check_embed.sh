#!/usr/bin/env bash
# Dev check (not part of the test suite): `weakpair embed --input` against the PyTorch model of
# bench/pytorch/albef_torch.py on the same checkpoint (made by `weakpair init`) and random
# inputs, once with I64 and once with I32 index tensors. Every output tensor must be within
# relative error TOL (||engine - torch|| / ||torch||, F32); exits 1 on any failure or missing tensor.
#   bench/pytorch/check_embed.sh [PRESET=tiny]
# Environment: TOL (1e-4), SEED (1), KEEP=DIR (keep the files there),
#   CK_FROM=torch  make the checkpoint with albef_torch.py --init instead of `weakpair init`,
#   EMBED_FROM=torch  also run the reference as "engine" (tests this script without the engine).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/bench/pytorch"
preset=${1:-tiny}; tol=${TOL:-1e-4}; seed=${SEED:-1}
py=${PYTHON:-/usr/bin/python3}
if [[ -n "${KEEP:-}" ]]; then work="$KEEP"; mkdir -p "$work"; else work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT; fi
ck="$work/ck.safetensors"
cd "$root"
if [[ "${CK_FROM:-engine}" == torch ]]; then
  "$py" "$here/albef_torch.py" --init "$preset" --out "$ck" --seed 7
else
  ./weakpair init --preset "$preset" --out "$ck" --seed 7
fi
status=0
for ints in i64 i32; do
  in="$work/in_$ints.safetensors"
  flag=(); [[ $ints == i32 ]] && flag=(--int32)
  "$py" "$here/embed_reference.py" --make-input "$ck" "$in" --seed "$seed" "${flag[@]}"
  if [[ "${EMBED_FROM:-engine}" == torch ]]; then
    "$py" "$here/embed_reference.py" "$ck" "$in" "$work/engine_$ints.safetensors"
  else
    ./weakpair embed --checkpoint "$ck" --input "$in" --output "$work/engine_$ints.safetensors"
  fi
  "$py" "$here/embed_reference.py" "$ck" "$in" "$work/torch_$ints.safetensors"
  "$py" "$here/embed_reference.py" "$ck" "$in" "$work/torch64_$ints.safetensors" --dtype float64
  echo "== preset $preset, $ints inputs: engine vs PyTorch float32 (tolerance $tol; last column: vs float64)"
  "$py" "$here/embed_reference.py" --compare "$work/engine_$ints.safetensors" "$work/torch_$ints.safetensors" \
      --ref64 "$work/torch64_$ints.safetensors" --tol "$tol" || status=1
  seed=$((seed + 1))
done
[[ $status == 0 ]] && echo "OK" || echo "FAILED"
exit $status

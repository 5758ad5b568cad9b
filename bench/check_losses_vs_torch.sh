#!/usr/bin/env bash
# Dev check (not part of the test suite): runs `weakpair losses` and the PyTorch reference
# (bench/losses_reference.py) on the same random inputs and prints the largest differences of
# every output tensor. Needs /usr/bin/python3 with torch.
#   bench/check_losses_vs_torch.sh [N=48] [D=32] [K=4] [alpha=0.6] [mode=topk] [seed=1]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n=${1:-48}; d=${2:-32}; k=${3:-4}; alpha=${4:-0.6}; mode=${5:-topk}; seed=${6:-1}
py=${PYTHON:-/usr/bin/python3}
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
"$py" "$root/bench/losses_reference.py" --make-input "$work/in.safetensors" --n "$n" --d "$d" --k "$k" --seed "$seed"
"$root/weakpair" losses --input "$work/in.safetensors" --output "$work/engine.safetensors" --alpha "$alpha" --mode "$mode" --seed "$seed"
"$py" "$root/bench/losses_reference.py" --input "$work/in.safetensors" --output "$work/torch32.safetensors" --alpha "$alpha" --mode "$mode" --seed "$seed"
"$py" "$root/bench/losses_reference.py" --input "$work/in.safetensors" --output "$work/torch64.safetensors" --alpha "$alpha" --mode "$mode" --seed "$seed" --dtype float64
"$py" - "$work" "$root/bench" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
from losses_reference import read_safetensors
work = sys.argv[1]
eng = read_safetensors(f"{work}/engine.safetensors")
ok = True
for ref_name in ("torch32", "torch64"):
    ref = read_safetensors(f"{work}/{ref_name}.safetensors")
    print(f"engine vs PyTorch ({'float32' if ref_name == 'torch32' else 'float64, rounded to float32'}):")
    for name, r in ref.items():
        e = eng.get(name)
        if e is None or tuple(e.shape) != tuple(r.shape) or e.dtype != r.dtype:
            print(f"  {name:18s} MISMATCH: engine {None if e is None else (e.dtype, tuple(e.shape))} vs {(r.dtype, tuple(r.shape))}")
            ok = False
            continue
        if r.dtype.is_floating_point:
            diff = (e.double() - r.double()).abs().max().item() if r.numel() else 0.0
            scale = r.double().abs().max().item() if r.numel() else 0.0
            print(f"  {name:18s} max |diff| {diff:.3e}   max |ref| {scale:.3e}   relative {diff / max(scale, 1e-30):.3e}")
        else:
            mism = int((e != r).sum())
            print(f"  {name:18s} {mism} of {r.numel()} indices differ")
            ok = ok and (mism == 0 or ref_name == "torch64")
print("OK" if ok else "DIFFERENCES ABOVE")
PY

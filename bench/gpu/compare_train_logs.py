#!/usr/bin/env python3
"""Compares two training logs (log.jsonl) of the same run on two devices.

    python3 bench/gpu/compare_train_logs.py [--first-step-only] CPU_LOG GPU_LOG

The first step starts from the same weights and batch, so its losses must agree to float32
accumulation-order noise (relative 1e-3); later steps drift apart slowly, so only their
finiteness and the trend are checked (--first-step-only: not the trend, for runs too short to
show one, as check.sh's dry run on the emulator). Prints a table; exit code 1 when a check fails.
"""
import json
import math
import sys


def read(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def main():
    args = sys.argv[1:]
    first_only = "--first-step-only" in args
    args = [a for a in args if a != "--first-step-only"]
    if len(args) != 2:
        sys.exit(__doc__)
    cpu, gpu = read(args[0]), read(args[1])
    ok = True
    if len(cpu) != len(gpu) or not cpu:
        print(f"FAIL: step counts differ or are zero: cpu {len(cpu)}, gpu {len(gpu)}")
        return 1
    print(f"{'step':>5} {'term':>9} {'cpu':>12} {'gpu':>12} {'rel diff':>10}")
    for term in ("loss", "itc", "matching", "mlm"):
        a, b = cpu[0][term], gpu[0][term]
        rel = abs(a - b) / max(abs(a), 1e-12)
        print(f"{0:>5} {term:>9} {a:12.6f} {b:12.6f} {rel:10.2e}")
        if not rel <= 1e-3:
            ok = False
    for rec in gpu:
        if not all(math.isfinite(rec[t]) for t in ("loss", "itc", "matching", "mlm")):
            print(f"FAIL: step {rec['step']} has a non-finite loss on the GPU: {rec}")
            ok = False
    last = len(cpu) - 1
    print(f"last step {last}: loss cpu {cpu[last]['loss']:.4f}, gpu {gpu[last]['loss']:.4f} "
          f"(first {cpu[0]['loss']:.4f} / {gpu[0]['loss']:.4f})")
    if not first_only and gpu[last]["loss"] >= gpu[0]["loss"]:
        print("FAIL: the loss did not fall on the GPU")
        ok = False
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

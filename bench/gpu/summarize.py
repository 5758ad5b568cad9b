#!/usr/bin/env python3
"""Prints the summary table of a GPU check from its log folder (bench/gpu/check.sh writes it).

Reads status.txt, env.txt, kernel_tests.txt, java_tests.txt, train.txt, java_bench.csv and torch_bench.csv
(any may be missing) and prints: the stages and their exit codes, the test counts, and the
timings of the engine's CUDA kernels next to PyTorch's on the same card.
Usage: python3 bench/gpu/summarize.py LOGDIR
"""
import csv
import os
import re
import sys


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def bench_rows(path):
    rows = {}
    text = read(path)
    header = [l for l in text.splitlines() if l.startswith("# ")]
    body = [l for l in text.splitlines() if l and not l.startswith("#")]
    for r in csv.DictReader(body):
        try:
            rows[(r["op"], r["shape"], r["mode"], r["impl"])] = (float(r["median_ms"]), float(r["metric"]))
        except (KeyError, ValueError, TypeError):
            continue
    return rows, header


# The PyTorch implementation each weakpair implementation is compared with, in order of preference.
REFERENCE = {"cublas-fp32": ["torch-fp32"], "cublas-tf32": ["torch-tf32"], "builtin-fp32": ["torch-fp32"],
             "builtin": ["torch", "torch-sdpa"], "cudnn": ["torch", "torch-sdpa"], "fused": ["torch-composed"]}
ORDER = ["cublas-fp32", "cublas-tf32", "builtin-fp32", "builtin", "cudnn", "fused"]


def main():
    logdir = sys.argv[1] if len(sys.argv) > 1 else "."
    print("=" * 100)
    print("GPU CHECK SUMMARY  (" + logdir + ")")
    print("=" * 100)
    env = read(os.path.join(logdir, "env.txt"))
    for key in ("date:", "commit:", "gpu:", "driver:", "nvcc:", "torch:", "java:"):
        for line in env.splitlines():
            if line.startswith(key):
                print(line)
                break
    print()
    print("stages (exit codes; 124 = timed out):")
    for line in read(os.path.join(logdir, "status.txt")).splitlines():
        print("  " + line)
    kt = read(os.path.join(logdir, "kernel_tests.txt"))
    m = re.search(r"(\d+) checks passed, (\d+) failed", kt)
    if "SKIPPED" in kt:
        print("\nCUDA kernel tests (C++ vs CPU twins): SKIPPED: " + kt.split("SKIPPED", 1)[1].splitlines()[0].strip(": "))
    elif m:
        print(f"\nCUDA kernel tests (C++ vs CPU twins): {m.group(1)} passed, {m.group(2)} failed")
        for line in kt.splitlines():
            if line.startswith("FAIL") or line.startswith("  failed"):
                print("  " + line)
    else:
        print("\nCUDA kernel tests: no result (see kernel_tests.txt)")
    jt = read(os.path.join(logdir, "java_tests.txt"))
    counts = {k: re.search(r"\[\s*(\d+) tests " + k, jt) for k in ("successful", "failed", "aborted", "skipped")}
    if counts["successful"]:
        print("Java CUDA tests (JUnit): " + ", ".join(f"{k} {v.group(1)}" for k, v in counts.items() if v))
        for line in jt.splitlines():
            if "✘" in line or "MethodSource" in line and "=>" in line:
                print("  " + line.strip())
    else:
        print("Java CUDA tests: no result (see java_tests.txt)")

    tr = read(os.path.join(logdir, "train.txt"))
    verdict = "PASS" if "\nPASS" in tr else ("FAIL" if "FAIL" in tr else "no result (see train.txt)")
    print("Training run (GPU vs CPU losses; 40 steps, 2 in the --emulate dry run): " + verdict)
    for line in tr.splitlines():
        if line.startswith("FAIL") or line.startswith("last step"):
            print("  " + line)

    ours, oh = bench_rows(os.path.join(logdir, "java_bench.csv"))
    theirs, th = bench_rows(os.path.join(logdir, "torch_bench.csv"))
    print()
    for h in oh + th:
        print(h)
    if not ours and not theirs:
        print("timings: none (see java_bench.csv, torch_bench.csv)")
        return
    print()
    print(f"{'op':<11} {'shape':<22} {'mode':<17} {'weakpair impl':<13} {'ms':>9} {'metric':>8}   "
          f"{'torch impl':<14} {'ms':>9} {'metric':>8}  {'wp/torch':>8}")
    print("-" * 129)
    keys = sorted({k[:3] for k in list(ours) + list(theirs)}, key=lambda k: (k[0], k[1], k[2]))
    for op, shape, mode in keys:
        mine = sorted((k[3] for k in ours if k[:3] == (op, shape, mode)),
                      key=lambda i: ORDER.index(i) if i in ORDER else len(ORDER))
        refs = [k[3] for k in theirs if k[:3] == (op, shape, mode)]
        used = set()
        for impl in mine:
            a = ours[(op, shape, mode, impl)]
            ref = next((r for r in REFERENCE.get(impl, []) if r in refs), None)
            b = theirs.get((op, shape, mode, ref)) if ref else None
            if ref:
                used.add(ref)
            ratio = f"{a[0] / b[0]:8.2f}" if b else "       -"
            bt = f"{ref:<14} {b[0]:9.4f} {b[1]:8.1f}" if b else f"{'-':<14} {'':>9} {'':>8}"
            print(f"{op:<11} {shape:<22} {mode:<17} {impl:<13} {a[0]:9.4f} {a[1]:8.1f}   {bt}  {ratio}")
        for ref in refs:
            if ref not in used:
                b = theirs[(op, shape, mode, ref)]
                print(f"{op:<11} {shape:<22} {mode:<17} {'-':<13} {'':>9} {'':>8}   {ref:<14} {b[0]:9.4f} {b[1]:8.1f}")
    print("\nmetric: TFLOP/s for gemm and attention (attention backward counted as 2.5x the forward) and for "
          "contrastive (its products: 2 N^2 D forward, 3x with the backward), GB/s of compulsory traffic for "
          "layernorm and softmax; wp/torch < 1 means weakpair is faster.")


if __name__ == "__main__":
    main()

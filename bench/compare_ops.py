#!/usr/bin/env python3
"""Side-by-side CPU timings: the engine's JMH benchmarks against the same ops in PyTorch.

Runs, per op family, the JMH benchmark and then bench/torch_ops.py (same shapes, float32,
same thread count), and prints a markdown table of medians and ratios (PyTorch / engine:
above 1 means the engine is faster). Usage:
    python3 bench/compare_ops.py [--threads 2] [--ops gemm,layernorm,softmax,attention,biasgelu]
Needs /usr/bin/python3 with torch (apt-get install python3-torch libopenblas0-pthread).
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JMH = {  # op -> (JMH regex, extra JMH params)
    "gemm": ("GemmBenchmark", []),
    "layernorm": ("LayerNormBenchmark", []),
    "softmax": ("SoftmaxBenchmark", ["-p", "op=softmax"]),
    "attention": ("AttentionBenchmark", ["-p", "impl=fused"]),
    # linear + GELU at the model's MLP shapes: the engine's fused form against PyTorch's
    "biasgelu": ("BiasGeluBenchmark", ["-p", "impl=fused", "-p", "part=layer"]),
}
MODE = {"matmul": "forward", "forward": "forward", "forwardBackward": "forward+backward"}


def run_jmh(op, threads, out):
    regex, extra = JMH[op]
    cmd = [os.path.join(ROOT, "bench", "jmh.sh"), regex, "-f", "1", "-wi", "3", "-i", "7", "-w", "1", "-r", "1",
           "-jvmArgsAppend", f"-Dweakpair.threads={threads}", "-rf", "json", "-rff", out] + extra
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    rows = {}
    for r in json.load(open(out)):
        method = r["benchmark"].rsplit(".", 1)[1]
        shape = r["params"]["shape"]
        unit = r["primaryMetric"]["scoreUnit"]
        scale = {"ms/op": 1.0, "us/op": 1e-3, "ns/op": 1e-6}[unit]
        pct = r["primaryMetric"]["scorePercentiles"]
        rows[(shape, MODE[method])] = pct["50.0"] * scale
    return rows


def run_torch(op, threads):
    env = dict(os.environ)
    out = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "bench", "torch_ops.py"), "--threads", str(threads),
                          "--only", op], check=True, capture_output=True, text=True, env=env).stdout
    rows = {}
    for line in out.splitlines():
        if line.startswith("#") or line.startswith("op,"):
            continue
        _, shape, mode, ms, _ = line.split(",")
        rows[(shape, mode)] = float(ms)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--ops", default="gemm,layernorm,softmax,attention,biasgelu")
    args = ap.parse_args()
    os.makedirs(os.path.join(ROOT, "bench", "out"), exist_ok=True)
    print(f"| op | shape | mode | weakpair median ms | PyTorch median ms | PyTorch / weakpair |")
    print("|---|---|---|---:|---:|---:|")
    for op in args.ops.split(","):
        jmh = run_jmh(op, args.threads, os.path.join(ROOT, "bench", "out", f"jmh-{op}.json"))
        torch = run_torch(op, args.threads)
        for key in sorted(jmh):
            if key in torch:
                print(f"| {op} | {key[0]} | {key[1]} | {jmh[key]:.3f} | {torch[key]:.3f} | {torch[key] / jmh[key]:.2f} |",
                      flush=True)


if __name__ == "__main__":
    sys.exit(main())

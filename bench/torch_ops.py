#!/usr/bin/env python3
"""Times the engine's benchmarked CPU ops written with PyTorch, for side-by-side ratios.

Same shapes, dtype (float32) and thread count as the JMH benchmarks in bench/java. Prints
one CSV line per case: op,shape,mode,median_ms,runs. Reference only: PyTorch is never a
dependency of the engine. Usage: python3 bench/torch_ops.py [--threads 2] [--repeats 15]
"""
import argparse
import statistics
import time

import torch


def median_ms(fn, repeats, warmup=3):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def gemm_cases():
    for m, k, n in [(4096, 256, 4096), (1024, 1024, 1024), (1576, 768, 2304)]:
        a, b = torch.randn(m, k), torch.randn(k, n)
        yield "gemm", f"{m}x{k}x{n}", "forward", lambda a=a, b=b: torch.matmul(a, b)


def layernorm_cases():
    for rows, d in [(4096, 256), (8192, 768)]:
        x = torch.randn(rows, d)
        w, b = torch.randn(d), torch.randn(d)
        yield "layernorm", f"{rows}x{d}", "forward", lambda x=x, w=w, b=b: torch.nn.functional.layer_norm(x, (x.shape[1],), w, b, 1e-6)
        xg, wg, bg = x.clone().requires_grad_(), w.clone().requires_grad_(), b.clone().requires_grad_()
        gy = torch.randn(rows, d)

        def fb(xg=xg, wg=wg, bg=bg, gy=gy):
            y = torch.nn.functional.layer_norm(xg, (xg.shape[1],), wg, bg, 1e-6)
            torch.autograd.backward(y, gy)
            xg.grad = wg.grad = bg.grad = None
        yield "layernorm", f"{rows}x{d}", "forward+backward", fb


def softmax_cases():
    for rows, d in [(4096, 1024), (19200, 50), (6304, 197)]:
        x = torch.randn(rows, d)
        yield "softmax", f"{rows}x{d}", "forward", lambda x=x: torch.softmax(x, -1)
        xg = x.clone().requires_grad_()
        gy = torch.randn(rows, d)

        def fb(xg=xg, gy=gy):
            torch.autograd.backward(torch.softmax(xg, -1), gy)
            xg.grad = None
        yield "softmax", f"{rows}x{d}", "forward+backward", fb


def attention_cases():
    # B x H x Lq x Lk x Dh, no padding (as the JMH default): PyTorch 1.13 has no fused
    # scaled_dot_product_attention, so this is the usual composed form.
    for b, h, lq, lk, dh in [(8, 4, 197, 197, 64), (32, 12, 50, 50, 64), (32, 12, 50, 193, 64)]:
        q = torch.randn(b, h, lq, dh)
        k, v = torch.randn(b, h, lk, dh), torch.randn(b, h, lk, dh)
        scale = dh ** -0.5

        def attn(q, k, v):
            return torch.matmul(torch.softmax(torch.matmul(q, k.transpose(-1, -2)) * scale, -1), v)

        shape = f"{b}x{h}x{lq}x{lk}x{dh}"
        yield "attention", shape, "forward", lambda q=q, k=k, v=v: attn(q, k, v)
        qg, kg, vg = (t.clone().requires_grad_() for t in (q, k, v))
        go = torch.randn(b, h, lq, dh)

        def fb(qg=qg, kg=kg, vg=vg, go=go):
            torch.autograd.backward(attn(qg, kg, vg), go)
            qg.grad = kg.grad = vg.grad = None
        yield "attention", shape, "forward+backward", fb


def biasgelu_cases():
    # The MLP's first half at the model's shapes (rows x width x n, as BiasGeluBenchmark):
    # gelu(linear(x, w, b)); the engine's side is its fused form, biasGelu(linear(x, w), b).
    for rows, width, n in [(1600, 128, 512), (2048, 128, 512), (2048, 256, 1024)]:
        x, w, b = torch.randn(rows, width), torch.randn(n, width) * 0.02, torch.randn(n) * 0.02
        def layer(x, w, b):
            return torch.nn.functional.gelu(torch.nn.functional.linear(x, w, b))
        shape = f"{rows}x{width}x{n}"
        yield "biasgelu", shape, "forward", lambda x=x, w=w, b=b: layer(x, w, b)
        xg, wg, bg = (t.clone().requires_grad_() for t in (x, w, b))
        gy = torch.randn(rows, n)
        def fb(xg=xg, wg=wg, bg=bg, gy=gy):
            torch.autograd.backward(layer(xg, wg, bg), gy)
            xg.grad = wg.grad = bg.grad = None
        yield "biasgelu", shape, "forward+backward", fb


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--only", default="", help="comma-separated ops (gemm,layernorm,softmax,attention,biasgelu)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    only = set(filter(None, args.only.split(",")))
    print(f"# torch {torch.__version__}, threads {torch.get_num_threads()}, "
          f"blas: {'openblas' if 'openblas' in torch.__config__.show().lower() else 'see torch.__config__'}")
    print("op,shape,mode,median_ms,runs")
    for cases in (gemm_cases, layernorm_cases, softmax_cases, attention_cases, biasgelu_cases):
        for op, shape, mode, fn in cases():
            if only and op not in only:
                continue
            with torch.no_grad() if mode == "forward" else torch.enable_grad():
                ms = median_ms(fn, args.repeats)
            print(f"{op},{shape},{mode},{ms:.3f},{args.repeats}", flush=True)


if __name__ == "__main__":
    main()

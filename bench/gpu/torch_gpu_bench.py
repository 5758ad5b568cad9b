#!/usr/bin/env python3
"""PyTorch CUDA timings of the cases of io.weakpair.bench.gpu.CudaBench, for side-by-side ratios.

Same shapes, F32, same timing method: CUDA events around back-to-back runs (about 2 ms),
after three warm-up runs, median of --repeats. Prints CSV lines op,shape,mode,impl,median_ms,metric.
Reference only: PyTorch is never a dependency of the engine.
The contrastive cases time the uITC loss composed from PyTorch ops, exactly as defined in
bench/torch_contrastive.py (imported from there), against the engine's fused kernel.
Usage: python3 bench/gpu/torch_gpu_bench.py [--repeats 9] [--only gemm,layernorm,softmax,attention,contrastive]
"""
import argparse
import os
import statistics
import sys

try:
    import torch
    import torch.nn.functional as F
except ImportError as e:  # the GPU machine has PyTorch; elsewhere say so and stop
    print(f"# SKIPPED: PyTorch is not installed ({e})")
    sys.exit(3)


def time_ms(fn, repeats):
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    fn()
    end.record()
    end.synchronize()
    once = max(start.elapsed_time(end), 1e-3)
    iters = int(max(1, min(200, -(-2.0 // once))))
    times = []
    for _ in range(repeats):
        start.record()
        for _ in range(iters):
            fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end) / iters)
    return statistics.median(times)


def row(op, shape, mode, impl, ms, metric):
    print(f"{op},{shape},{mode},{impl},{ms:.4f},{metric:.1f}", flush=True)


def randn(*shape, grad=False):
    return torch.randn(*shape, device="cuda", dtype=torch.float32, requires_grad=grad)


def gemm(repeats):
    for m, k, n in [(4096, 4096, 4096), (1576, 768, 2304), (8192, 768, 3072), (8192, 3072, 768)]:
        a, b = randn(m, k), randn(k, n)
        flops = 2.0 * m * n * k
        for tf32 in (False, True):
            torch.backends.cuda.matmul.allow_tf32 = tf32
            ms = time_ms(lambda: torch.matmul(a, b), repeats)
            row("gemm", f"{m}x{k}x{n}", "forward", "torch-tf32" if tf32 else "torch-fp32", ms, flops / ms / 1e9)
        torch.backends.cuda.matmul.allow_tf32 = False


def layernorm(repeats):
    for rows, cols in [(16384, 768), (4096, 1024), (8192, 768)]:
        x, w, b = randn(rows, cols, grad=True), randn(cols, grad=True), randn(cols, grad=True)
        gy = randn(rows, cols)
        with torch.no_grad():
            ms = time_ms(lambda: F.layer_norm(x, (cols,), w, b, 1e-6), repeats)
        row("layernorm", f"{rows}x{cols}", "forward", "torch", ms, 2.0 * rows * cols * 4 / ms / 1e6)

        def fb():
            y = F.layer_norm(x, (cols,), w, b, 1e-6)
            torch.autograd.backward(y, gy)
        ms = time_ms(fb, repeats)
        row("layernorm", f"{rows}x{cols}", "forward+backward", "torch", ms, 5.0 * rows * cols * 4 / ms / 1e6)


def softmax(repeats):
    for rows, cols in [(16384, 1024), (65536, 197), (4096, 30522)]:
        x, gy = randn(rows, cols, grad=True), randn(rows, cols)
        with torch.no_grad():
            ms = time_ms(lambda: torch.softmax(x, -1), repeats)
        row("softmax", f"{rows}x{cols}", "forward", "torch", ms, 2.0 * rows * cols * 4 / ms / 1e6)
        ms = time_ms(lambda: torch.autograd.backward(torch.softmax(x, -1), gy), repeats)
        row("softmax", f"{rows}x{cols}", "forward+backward", "torch", ms, 5.0 * rows * cols * 4 / ms / 1e6)


def attention(repeats):
    for b, h, lq, lk, dh, masked in [(32, 12, 197, 197, 64, False), (64, 12, 64, 64, 64, True), (32, 12, 64, 197, 64, True)]:
        q, k, v = randn(b, h, lq, dh, grad=True), randn(b, h, lk, dh, grad=True), randn(b, h, lk, dh, grad=True)
        go = randn(b, h, lq, dh)
        mask = None
        if masked:  # the last fifth of the keys is padding; boolean True = attend
            keep = torch.ones(b, lk, dtype=torch.bool, device="cuda")
            keep[:, lk - lk // 5:] = False
            mask = keep[:, None, None, :]
        shape = f"B{b}H{h}Lq{lq}Lk{lk}D{dh}" + ("m" if masked else "")
        flops = 4.0 * b * h * lq * lk * dh
        with torch.no_grad():
            ms = time_ms(lambda: F.scaled_dot_product_attention(q, k, v, attn_mask=mask), repeats)
        row("attention", shape, "forward", "torch-sdpa", ms, flops / ms / 1e9)
        ms = time_ms(lambda: torch.autograd.backward(F.scaled_dot_product_attention(q, k, v, attn_mask=mask), go), repeats)
        row("attention", shape, "forward+backward", "torch-sdpa", ms, 3.5 * flops / ms / 1e9)


def contrastive(repeats):
    # The loss as a PyTorch user composes it: one definition, shared with the CPU timing script.
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    from torch_contrastive import uitc_loss
    torch.backends.cuda.matmul.allow_tf32 = False
    d, alpha = 256, 0.6
    for n in (1024, 4096, 16384):
        image, text = randn(n, d, grad=True), randn(n, d, grad=True)
        tau = torch.tensor(0.07, device="cuda", requires_grad=True)
        labels = torch.arange(n, device="cuda") // 4
        flops = 2.0 * n * n * d
        with torch.no_grad():
            ms = time_ms(lambda: uitc_loss(image, text, tau, labels, alpha), repeats)
        row("contrastive", f"N{n}xD{d}", "forward", "torch-composed", ms, flops / ms / 1e9)

        def fb():
            image.grad = text.grad = tau.grad = None
            uitc_loss(image, text, tau, labels, alpha).backward()
        ms = time_ms(fb, repeats)
        row("contrastive", f"N{n}xD{d}", "forward+backward", "torch-composed", ms, 3 * flops / ms / 1e9)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=9)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    if not torch.cuda.is_available():
        print("# SKIPPED: PyTorch sees no CUDA device")
        sys.exit(3)
    torch.manual_seed(0)
    print(f"# torch {torch.__version__}, CUDA {torch.version.cuda}, cuDNN {torch.backends.cudnn.version()}, "
          f"{torch.cuda.get_device_name(0)}")
    print("op,shape,mode,impl,median_ms,metric")
    only = set(filter(None, args.only.split(",")))
    for name, fn in (("gemm", gemm), ("layernorm", layernorm), ("softmax", softmax), ("attention", attention),
                     ("contrastive", contrastive)):
        if not only or name in only:
            fn(args.repeats)


if __name__ == "__main__":
    main()

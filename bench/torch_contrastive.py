#!/usr/bin/env python3
"""Times the uITC contrastive loss written with PyTorch composed ops (forward + backward).

The loss is the uITC of docs/method.md section 3 for a square batch as a PyTorch user would write it (normalize,
matmul, masked softmax for the confidence, log_softmax over rows and columns; the same numbers
as bench/losses_reference.py's uitc_loss, which also handles rows without positives), on the
same inputs as the engine's benchmark
(bench/java/io/weakpair/bench/ContrastiveLossBenchmark.java): F32, D = 256, 4 samples per
identity, tau = 0.07, alpha = 0.6. Prints one CSV line per size: n,d,median_ms,runs.
Usage: python3 bench/torch_contrastive.py [--threads 2] [--repeats 9] [--sizes 256,1024,4096]
(N = 16384 needs about 16 GiB: PyTorch keeps several N x N intermediates.)
"""
import argparse
import statistics
import time

import torch



def uitc_loss(image, text, tau, labels, alpha):
    f = torch.nn.functional.normalize(image, dim=1)
    g = torch.nn.functional.normalize(text, dim=1)
    S = f @ g.t() / tau
    M = (labels[:, None] == labels[None, :]).to(S.dtype)
    with torch.no_grad():  # the confidence is a stop-gradient constant
        masked = S.masked_fill(M == 0, float("-inf"))
        q_i2t = (1 - alpha) * M / M.sum(1, keepdim=True) + alpha * torch.softmax(masked, dim=1)
        q_t2i = (1 - alpha) * M / M.sum(0, keepdim=True) + alpha * torch.softmax(masked, dim=0)
    l_i2t = -(q_i2t * torch.log_softmax(S, dim=1)).sum(1).mean()
    l_t2i = -(q_t2i * torch.log_softmax(S, dim=0)).sum(0).mean()
    return (l_i2t + l_t2i) / 2


def inputs(n, d):
    gen = torch.Generator().manual_seed(n)
    image = torch.randn(n, d, generator=gen).requires_grad_()
    text = torch.randn(n, d, generator=gen).requires_grad_()
    tau = torch.tensor(0.07).requires_grad_()
    labels = torch.arange(n) // 4
    return image, text, tau, labels


def step(image, text, tau, labels, alpha):
    image.grad = text.grad = tau.grad = None
    loss = uitc_loss(image, text, tau, labels, alpha)
    loss.backward()
    return loss


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeats", type=int, default=9)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--sizes", default="256,1024,4096")
    p.add_argument("--d", type=int, default=256)
    p.add_argument("--alpha", type=float, default=0.6)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    print("n,d,median_ms,runs")
    for n in (int(s) for s in a.sizes.split(",")):
        image, text, tau, labels = inputs(n, a.d)
        for _ in range(a.warmup):
            step(image, text, tau, labels, a.alpha)
        times = []
        for _ in range(a.repeats):
            t0 = time.perf_counter()
            step(image, text, tau, labels, a.alpha)
            times.append((time.perf_counter() - t0) * 1e3)
        print(f"{n},{a.d},{statistics.median(times):.2f},{a.repeats}", flush=True)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""PyTorch eager's side of the speed comparison (bench/pytorch/compare_step.sh): the same
training step as bench/java/.../ModelStepMain (fine-tune objective uITC(0.6) + GITM(topk) +
MLM on random images and captions, backward, clipping, AdamW) or the gallery forward (image
encoder + projection, eval, no gradients), written as a PyTorch user would: composed ops,
GITM mined with tensor ops, MLM masks drawn with torch. Prints one line: median ms, samples/s,
peak RSS (VmHWM). Reference only.

    step_timing.py PRESET P K STEPS train|forward [--threads 2]
"""
import argparse
import math
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import albef_torch  # noqa: E402
from albef_torch import PRESETS, Albef  # noqa: E402
from torch_contrastive import uitc_loss  # noqa: E402

ALPHA, BETA, LAMBDA_MLM, CLIP = 0.6, 1.0, 1.0, 5.0
PAD, CLS, SEP, MASK = 0, 2, 3, 4


def captions(n, l, vocab, gen):
    """Random captions as ModelStepMain.captions writes them: [CLS] words [SEP], length L/2..L."""
    lengths = torch.randint(l // 2, l + 1, (n,), generator=gen)
    mask = (torch.arange(l)[None] < lengths[:, None]).long()
    ids = torch.randint(5, vocab, (n, l), generator=gen) * mask
    ids[:, 0] = CLS
    ids[torch.arange(n), lengths - 1] = SEP
    return ids, mask


def gitm_pairs(S, p, k):
    """GITM (topk) for a P x K batch: per identity group, the texts (images) outside it ranked by
    their best similarity to the group, the r-th member taking the r-th hardest; the weak
    positive of image i is its least similar other text of the same identity."""
    n = p * k
    same = torch.block_diag(*[torch.ones(k, k, dtype=torch.bool)] * p)
    key_t = S.view(p, k, n).amax(1).masked_fill(same[::k], float("-inf"))        # [P, N] texts vs group
    key_i = S.t().reshape(p, k, n).amax(1).masked_fill(same[::k], float("-inf"))  # [P, N] images vs group
    neg_t = key_t.topk(k, dim=1).indices.reshape(n)
    neg_i = key_i.topk(k, dim=1).indices.reshape(n)
    weak = S.masked_fill(~same | torch.eye(n, dtype=torch.bool), float("inf")).argmin(1)
    ar = torch.arange(n)
    images = torch.cat([ar, ar, ar, neg_i])
    texts = torch.cat([ar, weak, neg_t, ar])
    labels = torch.cat([torch.ones(2 * n), torch.zeros(2 * n)]).long()
    return images, texts, labels


def mlm_mask(ids, mask, vocab, gen):
    chosen = (torch.rand(ids.shape, generator=gen) < 0.15) & (mask == 1) & (ids != CLS) & (ids != PAD)
    r = torch.rand(ids.shape, generator=gen)
    masked = ids.clone()
    masked[chosen & (r < 0.8)] = MASK
    rand = chosen & (r >= 0.8) & (r < 0.9)
    masked[rand] = torch.randint(0, vocab, (int(rand.sum()),), generator=gen)
    return masked, chosen.reshape(-1).nonzero().squeeze(1), ids.reshape(-1)[chosen.reshape(-1)]


def train_step(model, opt, px, ids, mask, labels, p, k, gen):
    img = model.image_tokens(px)
    txt = model.text_tokens(ids, mask)
    itc = uitc_loss(model.vision_proj(img[:, 0]), model.text_proj(txt[:, 0]), model.temp, labels, ALPHA)
    with torch.no_grad():
        S = F.normalize(model.vision_proj(img[:, 0]), dim=1) @ F.normalize(model.text_proj(txt[:, 0]), dim=1).t() / model.temp
        pi, pt, pl = gitm_pairs(S, p, k)
    gitm = F.cross_entropy(model.itm_logits(model.fusion(txt[pt], mask[pt], img[pi])), pl)
    masked, positions, targets = mlm_mask(ids, mask, model.cfg["vocab_size"], gen)
    fused = model.fusion(model.text_tokens(masked, mask), mask, img)
    mlm = F.cross_entropy(model.mlm_logits(fused.reshape(-1, fused.shape[-1])[positions]), targets)
    loss = itc + BETA * gitm + LAMBDA_MLM * mlm
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
    opt.step()
    with torch.no_grad():
        model.temp.clamp_(0.001, 0.5)
    opt.zero_grad(set_to_none=True)
    return loss.item()


def peak_rss_mib():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("preset", choices=sorted(PRESETS))
    a.add_argument("p", type=int)
    a.add_argument("k", type=int)
    a.add_argument("steps", type=int)
    a.add_argument("what", choices=["train", "forward"])
    a.add_argument("--threads", type=int, default=2)
    a.add_argument("--recompute", choices=["none", "fusion", "all"], default="none",
                   help="layers that recompute their activations in backward (torch.utils.checkpoint)")
    args = a.parse_args()
    albef_torch.RECOMPUTE = args.recompute
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    cfg = dict(PRESETS[args.preset], preset=args.preset)
    if args.preset != "base":
        cfg["vocab_size"] = 2000      # as ModelStepMain
    model = Albef(cfg)
    if cfg["mlm_tied"]:
        model.text_encoder.cls.predictions.decoder.weight = model.text_encoder.bert.embeddings.word_embeddings.weight
    n, l = args.p * args.k, min(cfg["max_tokens"], 24)
    gen = torch.Generator().manual_seed(3)
    px = torch.randn(n, 3, cfg["image_height"], cfg["image_width"], generator=gen)
    ids, mask = captions(n, l, cfg["vocab_size"], gen)
    labels = torch.arange(n) // args.k
    decay = [q for q in model.parameters() if q.dim() >= 2]
    opt = torch.optim.AdamW([{"params": decay}, {"params": [q for q in model.parameters() if q.dim() < 2], "weight_decay": 0}],
                            lr=1e-4, weight_decay=0.01)
    times = []
    warmup = max(2, args.steps // 5)
    for s in range(-warmup, args.steps):
        t0 = time.perf_counter()
        if args.what == "forward":
            model.eval()
            with torch.no_grad():
                model.image_feat(model.image_tokens(px)).sum().item()
        else:
            model.train()
            train_step(model, opt, px, ids, mask, labels, args.p, args.k, gen)
        if s >= 0:
            times.append((time.perf_counter() - t0) * 1e3)
    med = statistics.median(times)
    params = sum(q.numel() for q in model.parameters())
    print(f"torch {args.preset} {args.what} batch {n} ({args.p}x{args.k}), {l} tokens, {params:,} parameters, recompute {args.recompute}: median {med:.1f} ms/step, "
          f"{n / (med / 1e3):.1f} samples/s, peak RSS {peak_rss_mib():.0f} MiB (steps: {[round(t) for t in times]})")


if __name__ == "__main__":
    main()

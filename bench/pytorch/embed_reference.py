#!/usr/bin/python3
"""The `weakpair embed --input` contract in PyTorch, plus the input maker and the comparison
used by check_embed.sh.

    embed_reference.py CK IN OUT [--dtype float32|float64] [--trace TRACE.safetensors]
    embed_reference.py --make-input CK IN [--seed 1] [--images 3] [--texts 5] [--pairs 6] [--int32]
    embed_reference.py --compare ENGINE REF [--ref64 REF64] [--tol 1e-4]

IN: pixel_values F32 [B,3,H,W], input_ids and attention_mask I64/I32 [T,L], optional itm_pairs
I64/I32 [P,2] (image, text). OUT: image_feat [B,E], text_feat [T,E], image_cls [B,W_v],
text_cls [T,W_t], itm_logits [P,2] when pairs are given; all F32. --trace also writes every
layer's output (vision.embed, vision.block.N, text.embed, text.layer.N, fusion.layer.N of the
pairs) to find the first layer where two implementations part.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from albef_torch import config_from_metadata, load_checkpoint, read_metadata, read_safetensors, write_safetensors  # noqa: E402

OUTPUTS = ("image_feat", "text_feat", "image_cls", "text_cls", "itm_logits")


def embed(model, inputs, dtype=torch.float32, trace=None):
    c = model.cfg
    px, ids, mask = inputs["pixel_values"], inputs["input_ids"].long(), inputs["attention_mask"].long()
    if tuple(px.shape[1:]) != (3, c["image_height"], c["image_width"]):
        raise ValueError(f"pixel_values {tuple(px.shape)} vs image {c['image_height']}x{c['image_width']}")
    if ids.shape != mask.shape or ids.shape[1] > c["max_positions"]:
        raise ValueError(f"input_ids {tuple(ids.shape)}, attention_mask {tuple(mask.shape)}, max_positions {c['max_positions']}")
    if ids.numel() and (int(ids.min()) < 0 or int(ids.max()) >= c["vocab_size"]):
        raise ValueError(f"input_ids outside [0, {c['vocab_size']})")
    with torch.no_grad():
        img = model.image_tokens(px.to(dtype), trace)
        txt = model.text_tokens(ids, mask, trace)
        out = {"image_feat": model.image_feat(img), "text_feat": model.text_feat(txt),
               "image_cls": img[:, 0], "text_cls": txt[:, 0]}
        if "itm_pairs" in inputs:
            pairs = inputs["itm_pairs"].long().reshape(-1, 2)
            fused = model.fusion(txt[pairs[:, 1]], mask[pairs[:, 1]], img[pairs[:, 0]], trace)
            out["itm_logits"] = model.itm_logits(fused)
    return {k: v.float().contiguous() for k, v in out.items()}


def make_input(ck, path, seed, images, texts, pairs, int32):
    """Random contract input for a checkpoint: real ids in [1, vocab), 0 where padded, a mask of
    random lengths (one full-length text, one of a single token), pairs covering every text."""
    c = config_from_metadata(read_metadata(ck))
    g = torch.Generator().manual_seed(seed)
    L = c["max_tokens"]
    px = torch.randn(images, 3, c["image_height"], c["image_width"], generator=g)
    lengths = torch.randint(1, L + 1, (texts,), generator=g)
    lengths[0], lengths[-1] = L, 1
    mask = (torch.arange(L)[None] < lengths[:, None]).long()
    ids = torch.randint(1, c["vocab_size"], (texts, L), generator=g) * mask
    pr = torch.stack([torch.randint(0, images, (pairs,), generator=g), torch.arange(pairs) % texts], dim=1)
    it = torch.int32 if int32 else torch.int64
    write_safetensors(path, {"pixel_values": px, "input_ids": ids.to(it), "attention_mask": mask.to(it),
                             "itm_pairs": pr.to(it)}, {"producer": "bench/pytorch/embed_reference.py", "seed": seed})


def rel_err(a, b):
    return ((a.double() - b.double()).norm() / b.double().norm().clamp_min(1e-30)).item()


def compare(engine_path, ref_path, ref64_path, tol):
    """Prints one row per reference tensor; True when every one is present, same shape, within tol."""
    eng, ref = read_safetensors(engine_path), read_safetensors(ref_path)
    ref64 = read_safetensors(ref64_path) if ref64_path else {}
    ok = True
    print(f"{'tensor':12s} {'shape':14s} {'rel err':>10s} {'max |diff|':>10s} {'max |ref|':>10s} {'rel vs f64':>10s}  verdict")
    for name, r in ref.items():
        e = eng.get(name)
        shape = "x".join(map(str, r.shape))
        if e is None or tuple(e.shape) != tuple(r.shape) or e.dtype != torch.float32:
            what = "missing" if e is None else f"engine {e.dtype} {tuple(e.shape)}"
            print(f"{name:12s} {shape:14s} {'':>10s} {'':>10s} {'':>10s} {'':>10s}  FAIL ({what})")
            ok = False
            continue
        rel, mad = rel_err(e, r), (e.double() - r.double()).abs().max().item()
        r64 = f"{rel_err(e, ref64[name]):10.2e}" if name in ref64 else f"{'':>10s}"
        good = rel <= tol
        ok = ok and good
        print(f"{name:12s} {shape:14s} {rel:10.2e} {mad:10.2e} {r.abs().max().item():10.2e} {r64}  {'ok' if good else 'FAIL'}")
    for name in sorted(set(eng) - set(ref)):
        print(f"{name:12s} (engine only, not compared)")
    return ok


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="*")
    p.add_argument("--make-input", action="store_true")
    p.add_argument("--compare", action="store_true")
    p.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    p.add_argument("--trace")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--images", type=int, default=3)
    p.add_argument("--texts", type=int, default=5)
    p.add_argument("--pairs", type=int, default=6)
    p.add_argument("--int32", action="store_true", help="I32 ids, mask and pairs (default I64)")
    p.add_argument("--ref64")
    p.add_argument("--tol", type=float, default=1e-4)
    a = p.parse_args()
    torch.set_num_threads(2)
    if a.make_input:
        make_input(*a.paths, a.seed, a.images, a.texts, a.pairs, a.int32)
        return 0
    if a.compare:
        return 0 if compare(*a.paths, a.ref64, a.tol) else 1
    if len(a.paths) != 3:
        p.error("expected CK IN OUT")
    ck, inp, out = a.paths
    dtype = getattr(torch, a.dtype)
    model, _ = load_checkpoint(ck, dtype)
    trace = {} if a.trace else None
    result = embed(model, read_safetensors(inp), dtype, trace)
    write_safetensors(out, result, {"producer": "bench/pytorch/embed_reference.py", "dtype": a.dtype})
    if trace is not None:
        write_safetensors(a.trace, {k: v.float().contiguous() for k, v in trace.items()})
    print(f"embed_reference ({a.dtype}): " + ", ".join(f"{k} {list(v.shape)}" for k, v in result.items()) + f" -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

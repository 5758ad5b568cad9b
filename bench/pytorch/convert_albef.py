#!/usr/bin/python3
"""Converts a published ALBEF or RaSa checkpoint (.pth) to a weakpair-albef safetensors file.

    python3 bench/pytorch/convert_albef.py IN.pth OUT.safetensors [--image-size HxW] [--max-tokens 50]

Keeps the names of model.md, drops (and lists) momentum encoders, queues and other heads
(RaSa's prd_head, mrtd_head, ...), infers the configuration from tensor shapes (heads, which shapes do not show, by ALBEF's
width/64 unless given) and writes F32.
--image-size declares the size when the patch grid is not square (RaSa: 384x128); when the grid
is square and another size is asked for, pos_embed is resized bicubically as ALBEF does.
"""
import argparse
import math
import os
import re
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from albef_torch import PRESETS, Albef, metadata_from_config, write_safetensors  # noqa: E402

V, B = "visual_encoder.", "text_encoder.bert."


def state_dict_of(obj):
    for key in ("model", "state_dict", "module"):
        if isinstance(obj, dict) and key in obj and isinstance(obj[key], dict):
            return state_dict_of(obj[key])
    return obj


def is_momentum_or_queue(name):
    head = name.split(".")[0]
    return head.endswith("_m") or head.endswith("_queue") or head == "queue_ptr"


def normalise_names(sd):
    """Fine-tuned ALBEF retrieval models hold a BertModel (`text_encoder.embeddings...`), the
    pre-trained one a BertForMaskedLM (`text_encoder.bert.embeddings...`): use the latter."""
    sd = {k[len("module."):] if k.startswith("module.") else k: v for k, v in sd.items()}
    if not any(k.startswith(B) for k in sd):
        sd = {("text_encoder.bert." + k[len("text_encoder."):]
               if k.startswith(("text_encoder.embeddings.", "text_encoder.encoder.")) else k): v for k, v in sd.items()}
    return sd


def count(sd, prefix):
    pat = re.compile(re.escape(prefix) + r"(\d+)\.")
    return len({int(m.group(1)) for k in sd for m in [pat.match(k)] if m})


def infer_config(sd, image_size, max_tokens, heads=(None, None)):
    w = sd[V + "patch_embed.proj.weight"].shape[0]
    p = sd[V + "patch_embed.proj.weight"].shape[-1]
    n_patches = sd[V + "pos_embed"].shape[1] - 1
    if image_size:
        h, wd = image_size
    else:
        side = math.isqrt(n_patches)
        if side * side != n_patches:
            raise SystemExit(f"pos_embed has {n_patches} patches, not a square grid: give --image-size HxW")
        h = wd = side * p
    layers = count(sd, B + "encoder.layer.")
    cross = [n for n in range(layers) if f"{B}encoder.layer.{n}.crossattention.self.query.weight" in sd]
    text_layers = layers - len(cross)
    if cross != list(range(text_layers, layers)):
        raise SystemExit(f"cross-attention in layers {cross}: expected the last ones of {layers}")
    tw = sd[B + "embeddings.word_embeddings.weight"].shape[1]
    cfg = dict(image_height=h, image_width=wd, patch_size=p, vision_width=w, vision_layers=count(sd, V + "blocks."),
               vision_heads=heads[0] or w // 64, vision_mlp_ratio=sd[V + "blocks.0.mlp.fc1.weight"].shape[0] // w,
               text_width=tw, text_layers=text_layers, fusion_layers=len(cross), text_heads=heads[1] or tw // 64,
               text_intermediate=sd[B + "encoder.layer.0.intermediate.dense.weight"].shape[0],
               vocab_size=sd[B + "embeddings.word_embeddings.weight"].shape[0],
               max_positions=sd[B + "embeddings.position_embeddings.weight"].shape[0], max_tokens=max_tokens,
               embed_dim=sd["vision_proj.weight"].shape[0])
    dec = sd.get("text_encoder.cls.predictions.decoder.weight")
    cfg["mlm_tied"] = dec is not None and torch.equal(dec, sd[B + "embeddings.word_embeddings.weight"])
    base = {k: v for k, v in PRESETS["base"].items() if k != "mlm_tied"}
    cfg["preset"] = "base" if all(cfg[k] == v for k, v in base.items()) else "custom"
    return cfg


def resize_pos_embed(pe, grid_from, grid_to):
    """ALBEF's interpolate_pos_embed: CLS kept, the patch grid resized bicubically."""
    cls, grid = pe[:, :1], pe[:, 1:].reshape(1, *grid_from, -1).permute(0, 3, 1, 2)
    grid = F.interpolate(grid.float(), size=grid_to, mode="bicubic", align_corners=False)
    return torch.cat([cls, grid.permute(0, 2, 3, 1).reshape(1, grid_to[0] * grid_to[1], -1)], dim=1)


def convert(src, dst, image_size=None, max_tokens=50, heads=(None, None)):
    sd = normalise_names(state_dict_of(torch.load(src, map_location="cpu")))
    sd = {k: v for k, v in sd.items() if torch.is_tensor(v)}
    p = sd[V + "patch_embed.proj.weight"].shape[-1]
    n_patches = sd[V + "pos_embed"].shape[1] - 1
    if image_size and (image_size[0] // p) * (image_size[1] // p) != n_patches:
        side = math.isqrt(n_patches)
        if side * side != n_patches:
            raise SystemExit(f"--image-size {image_size[0]}x{image_size[1]} needs {(image_size[0] // p) * (image_size[1] // p)} "
                             f"patches, pos_embed has {n_patches} (not square, cannot resize)")
        print(f"convert_albef: pos_embed resized from {side}x{side} to {image_size[0] // p}x{image_size[1] // p} patches")
        sd[V + "pos_embed"] = resize_pos_embed(sd[V + "pos_embed"], (side, side), (image_size[0] // p, image_size[1] // p))
    cfg = infer_config(sd, image_size, max_tokens, heads)
    expected = Albef(cfg).state_dict()
    has_mlm = any(k.startswith("text_encoder.cls.") for k in sd)
    if not has_mlm:
        print("convert_albef: no MLM head (text_encoder.cls.*) in the checkpoint; written without it")
        expected = {k: v for k, v in expected.items() if not k.startswith("text_encoder.cls.")}
    dup = "text_encoder.cls.predictions.decoder.bias"   # HF ties it to predictions.bias
    if dup in sd and not torch.equal(sd[dup], sd["text_encoder.cls.predictions.bias"]):
        raise SystemExit(f"{dup} differs from text_encoder.cls.predictions.bias")
    dropped = sorted(k for k in sd if k not in expected)
    missing = sorted(k for k in expected if k not in sd)
    if missing:
        raise SystemExit(f"missing tensors: {missing}")
    out = {}
    for k, ref in expected.items():
        t = sd[k].float().reshape(ref.shape) if k == "temp" else sd[k].float()
        if t.shape != ref.shape:
            raise SystemExit(f"{k}: shape {tuple(t.shape)}, expected {tuple(ref.shape)} for the inferred config")
        out[k] = t
    groups = {"momentum/queue": [k for k in dropped if is_momentum_or_queue(k)]}
    groups["other"] = [k for k in dropped if not is_momentum_or_queue(k)]
    for what, names in groups.items():
        heads = sorted({k.split(".")[0] for k in names})
        print(f"convert_albef: dropped {len(names)} {what} tensors (under {', '.join(heads) or '-'})")
        if what == "other":
            for k in names:
                print(f"  dropped {k} {tuple(sd[k].shape)}")
    md = metadata_from_config(cfg)
    write_safetensors(dst, out, md)
    print("convert_albef: " + " ".join(f"{k}={v}" for k, v in md.items() if k not in ("format", "format_version")))
    print(f"convert_albef: {len(out)} tensors -> {dst}")
    return cfg, dropped


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("src")
    p.add_argument("dst")
    p.add_argument("--image-size", help="HxW, e.g. 384x128")
    p.add_argument("--max-tokens", type=int, default=50, help="not in the checkpoint; ALBEF/RaSa use 50 (default)")
    p.add_argument("--vision-heads", type=int, help="not in the shapes; default width/64 (ALBEF, RaSa)")
    p.add_argument("--text-heads", type=int, help="not in the shapes; default width/64")
    a = p.parse_args()
    size = tuple(int(x) for x in a.image_size.lower().split("x")) if a.image_size else None
    convert(a.src, a.dst, size, a.max_tokens, (a.vision_heads, a.text_heads))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""When check_embed.sh fails: which plausible implementation slip makes PyTorch agree with the
engine? Runs the reference once per variant and prints each output's relative error against
the engine's output; the variant whose errors drop to rounding names the difference.

    diagnose_embed.py CK IN ENGINE_OUT

image_cls depends on the ViT only, text_cls on the text-only layers, itm_logits on the fusion
layers too, so the table also says which part parts ways first.
"""
import contextlib
import math
import os
import sys
from unittest import mock

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import albef_torch as at  # noqa: E402
from embed_reference import OUTPUTS, embed, rel_err  # noqa: E402


def qkv_heads_first(self, x):                       # qkv as [heads, 3, head_dim] instead of timm's [3, heads, head_dim]
    b, n, w = x.shape
    q, k, v = self.qkv(x).reshape(b, n, self.heads, 3, w // self.heads).unbind(3)
    return self.proj(at.attend(q.reshape(b, n, w), k.reshape(b, n, w), v.reshape(b, n, w), self.heads))


def patches_column_major(self, pixels):
    return self.patch_embed.proj(pixels).transpose(2, 3).flatten(2).transpose(1, 2)


def positions_before_cls(self, x):                  # pos_embed[1:] on patches, CLS without a position
    return torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x + self.pos_embed[:, 1:]], dim=1)


def no_token_type(self, ids):
    return self.LayerNorm(self.word_embeddings(ids) + self.position_embeddings.weight[: ids.shape[1]][None])


def scale_by_width(q, k, v, heads, additive_mask=None):
    return _attend(q * math.sqrt(heads), k, v, heads, additive_mask)   # 1/sqrt(W) overall


def heads_interleaved(q, k, v, heads, additive_mask=None):  # head h = features h, h+heads, ...
    perm = lambda x: x.reshape(*x.shape[:2], -1, heads).transpose(-1, -2).reshape(x.shape)
    ctx = _attend(perm(q), perm(k), perm(v), heads, additive_mask)
    return ctx.reshape(*ctx.shape[:2], heads, -1).transpose(-1, -2).reshape(ctx.shape)


def cross_without_image_cls(self, x, additive_mask, image=None):
    return _layer_forward(self, x, additive_mask, None if image is None else image[:, 1:])


_attend, _layer_forward = at.attend, at.BertLayer.forward


@contextlib.contextmanager
def eps(model, prefix, value):
    mods = [m for n, m in model.named_modules() if isinstance(m, torch.nn.LayerNorm) and n.startswith(prefix)]
    old = [m.eps for m in mods]
    for m in mods:
        m.eps = value
    yield
    for m, e in zip(mods, old):
        m.eps = e


def variants(model):
    p = mock.patch.object
    return {
        "reference": contextlib.nullcontext(),
        "ViT qkv split [heads,3,hd]": p(at.VitAttention, "forward", qkv_heads_first),
        "patches column-major": p(at.VisionTransformer, "patch_tokens", patches_column_major),
        "pos_embed on patches only": p(at.VisionTransformer, "with_cls_and_positions", positions_before_cls),
        "no final ViT norm": p(model.visual_encoder, "norm", torch.nn.Identity()),
        "ViT LayerNorm eps 1e-5": eps(model, "visual_encoder", 1e-5),
        "BERT LayerNorm eps 1e-5": eps(model, "text_encoder", 1e-5),
        "GELU tanh": p(at, "GELU_APPROXIMATE", "tanh"),
        "attention scale 1/sqrt(W)": p(at, "attend", scale_by_width),
        "heads interleaved": p(at, "attend", heads_interleaved),
        "no padding mask": p(at, "MASK_VALUE", 0.0),
        "no token_type_embeddings": p(at.Embeddings, "forward", no_token_type),
        "cross-attention without image CLS": p(at.BertLayer, "forward", cross_without_image_cls),
    }


def main():
    ck, inp, eng = sys.argv[1:4]
    torch.set_num_threads(2)
    model, _ = at.load_checkpoint(ck)
    inputs, engine = at.read_safetensors(inp), at.read_safetensors(eng)
    names = [n for n in OUTPUTS if n in engine]
    print(f"{'variant':36s}" + "".join(f"{n:>12s}" for n in names))
    for label, ctx in variants(model).items():
        with ctx:
            out = embed(model, inputs)
        print(f"{label:36s}" + "".join(f"{rel_err(engine[n], out[n]):12.2e}" if n in out else f"{'-':>12s}" for n in names))
    return 0


if __name__ == "__main__":
    sys.exit(main())

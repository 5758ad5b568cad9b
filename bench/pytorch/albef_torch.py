#!/usr/bin/python3
"""The ALBEF-style model of model.md in plain PyTorch: the reference the engine's model is
checked against tensor by tensor (eval mode, no dropout). Reference only, never a dependency.

    python3 bench/pytorch/albef_torch.py --init tiny|base --out CK.safetensors [--seed 7] [--vocab N]

Parameter names are ALBEF's state_dict names, so a checkpoint loads with strict=True. The
configuration travels in the safetensors __metadata__ (all values strings).
"""
import argparse
import json
import math
import os
import struct
import sys

import torch
import torch.utils.checkpoint
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from losses_reference import read_safetensors, write_safetensors  # noqa: E402  (one safetensors codec in bench/)

FORMAT, FORMAT_VERSION = "weakpair-albef", "1"
INT_KEYS = ("image_height", "image_width", "patch_size", "vision_width", "vision_layers", "vision_heads",
            "vision_mlp_ratio", "text_width", "text_layers", "fusion_layers", "text_heads", "text_intermediate",
            "vocab_size", "max_positions", "max_tokens", "embed_dim")
# docs/model.md section 2 (as `weakpair init` writes them); tiny/small vocabularies are built
# from the captions, 1000 stands in
PRESETS = {
    "tiny": dict(image_height=128, image_width=48, patch_size=16, vision_width=128, vision_layers=2, vision_heads=4,
                 vision_mlp_ratio=4, text_width=128, text_layers=2, fusion_layers=2, text_heads=4,
                 text_intermediate=512, vocab_size=1000, max_positions=32, max_tokens=32, embed_dim=128, mlm_tied=True),
    "small": dict(image_height=192, image_width=64, patch_size=16, vision_width=256, vision_layers=4, vision_heads=4,
                  vision_mlp_ratio=4, text_width=256, text_layers=3, fusion_layers=3, text_heads=4,
                  text_intermediate=1024, vocab_size=1000, max_positions=40, max_tokens=40, embed_dim=256, mlm_tied=True),
    "base": dict(image_height=384, image_width=128, patch_size=16, vision_width=768, vision_layers=12, vision_heads=12,
                 vision_mlp_ratio=4, text_width=768, text_layers=6, fusion_layers=6, text_heads=12,
                 text_intermediate=3072, vocab_size=30522, max_positions=512, max_tokens=50, embed_dim=256, mlm_tied=True),
}
# HF BERT's additive mask value; exp(-10000) is exactly 0 in float32, so this equals -inf
# whenever a row has at least one real token.
MASK_VALUE = -10000.0
GELU_APPROXIMATE = "none"   # erf form; diagnose_embed.py tries "tanh"


def gelu(x):
    return F.gelu(x, approximate=GELU_APPROXIMATE)


def read_metadata(path):
    """The __metadata__ map of a safetensors file (losses_reference's reader drops it)."""
    with open(path, "rb") as fh:
        (hlen,) = struct.unpack("<Q", fh.read(8))
        return json.loads(fh.read(hlen).decode("utf-8")).get("__metadata__", {})


def config_from_metadata(md):
    if md.get("format") != FORMAT or md.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"not a {FORMAT} v{FORMAT_VERSION} checkpoint: format={md.get('format')!r} "
                         f"format_version={md.get('format_version')!r}")
    missing = [k for k in INT_KEYS + ("mlm_tied",) if k not in md]
    if missing:
        raise ValueError(f"metadata lacks {missing}")
    cfg = {k: int(md[k]) for k in INT_KEYS}
    cfg["mlm_tied"] = md["mlm_tied"].strip().lower() in ("true", "1", "yes")
    cfg["preset"] = md.get("preset", "custom")
    return cfg


def metadata_from_config(cfg):
    md = {"format": FORMAT, "format_version": FORMAT_VERSION, "preset": cfg.get("preset", "custom")}
    md.update({k: str(cfg[k]) for k in INT_KEYS})
    md["mlm_tied"] = "true" if cfg["mlm_tied"] else "false"
    return md


def heads_split(x, heads):
    b, n, w = x.shape
    return x.reshape(b, n, heads, w // heads).transpose(1, 2)        # [b, heads, n, head_dim]


def attend(q, k, v, heads, additive_mask=None):
    q, k, v = heads_split(q, heads), heads_split(k, heads), heads_split(v, heads)
    scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
    if additive_mask is not None:
        scores = scores + additive_mask                                # [b, 1, 1, keys]
    ctx = torch.softmax(scores, dim=-1) @ v
    return ctx.transpose(1, 2).reshape(q.shape[0], -1, q.shape[1] * q.shape[3])


# --------------------------------------------------------------------------- ViT (timm names)

class PatchEmbed(nn.Module):
    def __init__(self, p, w):
        super().__init__()
        self.proj = nn.Conv2d(3, w, kernel_size=p, stride=p)


class VitAttention(nn.Module):
    def __init__(self, w, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(w, 3 * w)
        self.proj = nn.Linear(w, w)

    def forward(self, x):
        # timm: qkv output is [3, heads, head_dim] along the feature axis
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        return self.proj(attend(q, k, v, self.heads))


class Mlp(nn.Module):
    def __init__(self, w, hidden):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(w, hidden), nn.Linear(hidden, w)

    def forward(self, x):
        return self.fc2(gelu(self.fc1(x)))


# Which layers recompute their activations in backward (torch.utils.checkpoint), as the engine's
# `recompute` setting: none, fusion (the fusion layers) or all; per sub-layer, as the engine does.
RECOMPUTE = "none"


def recomputed(fusion, fn, *args):
    if torch.is_grad_enabled() and (RECOMPUTE == "all" or (RECOMPUTE == "fusion" and fusion)):
        return torch.utils.checkpoint.checkpoint(fn, *args, use_reentrant=False)
    return fn(*args)


class VitBlock(nn.Module):
    def __init__(self, w, heads, ratio):
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(w, eps=1e-6), nn.LayerNorm(w, eps=1e-6)
        self.attn, self.mlp = VitAttention(w, heads), Mlp(w, ratio * w)

    def forward(self, x):
        x = recomputed(False, lambda x: x + self.attn(self.norm1(x)), x)
        return recomputed(False, lambda x: x + self.mlp(self.norm2(x)), x)


class VisionTransformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        w, p = c["vision_width"], c["patch_size"]
        n_patches = (c["image_height"] // p) * (c["image_width"] // p)
        self.patch_embed = PatchEmbed(p, w)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, w))
        self.pos_embed = nn.Parameter(torch.zeros(1, 1 + n_patches, w))
        self.blocks = nn.ModuleList(VitBlock(w, c["vision_heads"], c["vision_mlp_ratio"]) for _ in range(c["vision_layers"]))
        self.norm = nn.LayerNorm(w, eps=1e-6)

    def patch_tokens(self, pixels):
        return self.patch_embed.proj(pixels).flatten(2).transpose(1, 2)  # row-major patches [B, P, W]

    def with_cls_and_positions(self, x):
        return torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1) + self.pos_embed

    def forward(self, pixels, trace=None):
        x = self.with_cls_and_positions(self.patch_tokens(pixels))
        _record(trace, "vision.embed", x)
        for n, blk in enumerate(self.blocks):
            x = blk(x)
            _record(trace, f"vision.block.{n}", x)
        return self.norm(x)


# --------------------------------------------------------------------------- BERT (HF / ALBEF xbert names)

class Dense(nn.Module):
    """HF's `output` modules: dense, then LayerNorm of (residual + dense)."""
    def __init__(self, w_in, w):
        super().__init__()
        self.dense, self.LayerNorm = nn.Linear(w_in, w), nn.LayerNorm(w, eps=1e-12)

    def forward(self, h, residual):
        return self.LayerNorm(residual + self.dense(h))


class QKV(nn.Module):
    def __init__(self, w, w_kv):
        super().__init__()
        self.query, self.key, self.value = nn.Linear(w, w), nn.Linear(w_kv, w), nn.Linear(w_kv, w)


class BertAttention(nn.Module):
    def __init__(self, w, heads, w_kv):
        super().__init__()
        self.heads = heads
        setattr(self, "self", QKV(w, w_kv))       # the state_dict name is `attention.self.*`
        self.output = Dense(w, w)

    def forward(self, x, kv, additive_mask):
        s = getattr(self, "self")
        ctx = attend(s.query(x), s.key(kv), s.value(kv), self.heads, additive_mask)
        return self.output(ctx, x)


class Intermediate(nn.Module):
    def __init__(self, w, hidden):
        super().__init__()
        self.dense = nn.Linear(w, hidden)


class BertLayer(nn.Module):
    def __init__(self, c, cross):
        super().__init__()
        w, h = c["text_width"], c["text_heads"]
        self.attention = BertAttention(w, h, w)
        if cross:
            self.crossattention = BertAttention(w, h, c["vision_width"])
        self.intermediate = Intermediate(w, c["text_intermediate"])
        self.output = Dense(c["text_intermediate"], w)

    def forward(self, x, additive_mask, image=None):
        fusion = image is not None
        x = recomputed(fusion, lambda x: self.attention(x, x, additive_mask), x)
        if fusion:
            x = recomputed(True, lambda x, image: self.crossattention(x, image, None), x, image)   # all image tokens are keys, no mask
        return recomputed(fusion, lambda x: self.output(gelu(self.intermediate.dense(x)), x), x)


class Embeddings(nn.Module):
    def __init__(self, c, type_vocab):
        super().__init__()
        w = c["text_width"]
        self.word_embeddings = nn.Embedding(c["vocab_size"], w)
        self.position_embeddings = nn.Embedding(c["max_positions"], w)
        self.token_type_embeddings = nn.Embedding(type_vocab, w)
        self.LayerNorm = nn.LayerNorm(w, eps=1e-12)

    def forward(self, ids):
        pos = self.position_embeddings.weight[: ids.shape[1]]
        return self.LayerNorm(self.word_embeddings(ids) + pos[None] + self.token_type_embeddings.weight[0])


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList(BertLayer(c, n >= c["text_layers"]) for n in range(c["text_layers"] + c["fusion_layers"]))


class Bert(nn.Module):
    def __init__(self, c, type_vocab):
        super().__init__()
        self.embeddings, self.encoder = Embeddings(c, type_vocab), Encoder(c)


class Transform(nn.Module):
    def __init__(self, w):
        super().__init__()
        self.dense, self.LayerNorm = nn.Linear(w, w), nn.LayerNorm(w, eps=1e-12)


class Predictions(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.transform = Transform(c["text_width"])
        self.decoder = nn.Linear(c["text_width"], c["vocab_size"], bias=False)
        self.bias = nn.Parameter(torch.zeros(c["vocab_size"]))


class Cls(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.predictions = Predictions(c)


class TextEncoder(nn.Module):
    def __init__(self, c, type_vocab, mlm):
        super().__init__()
        self.bert = Bert(c, type_vocab)
        if mlm:
            self.cls = Cls(c)


def _record(trace, name, x):
    if trace is not None:
        trace[name] = x.detach().clone()


def additive_mask(mask, dtype):
    return (1.0 - mask[:, None, None, :].to(dtype)) * MASK_VALUE


# --------------------------------------------------------------------------- the model

class Albef(nn.Module):
    def __init__(self, cfg, type_vocab=2, mlm=True):
        super().__init__()
        self.cfg = cfg
        self.visual_encoder = VisionTransformer(cfg)
        self.text_encoder = TextEncoder(cfg, type_vocab, mlm)
        self.vision_proj = nn.Linear(cfg["vision_width"], cfg["embed_dim"])
        self.text_proj = nn.Linear(cfg["text_width"], cfg["embed_dim"])
        self.itm_head = nn.Linear(cfg["text_width"], 2)
        self.temp = nn.Parameter(torch.tensor(0.07))

    def _layers(self, lo, hi):
        return list(self.text_encoder.bert.encoder.layer)[lo:hi]

    def image_tokens(self, pixels, trace=None):
        """[B,3,H,W] normalised pixels -> [B, 1+P, W_v] (row 0 = CLS)."""
        out = self.visual_encoder(pixels, trace)
        _record(trace, "vision.out", out)
        return out

    def text_tokens(self, ids, mask, trace=None):
        """Text-only layers [0, text_layers): [T,L] ids and 0/1 mask -> [T, L, W_t]."""
        x = self.text_encoder.bert.embeddings(ids.long())
        _record(trace, "text.embed", x)
        am = additive_mask(mask, x.dtype)
        for n, layer in enumerate(self._layers(0, self.cfg["text_layers"])):
            x = layer(x, am)
            _record(trace, f"text.layer.{n}", x)
        return x

    def fusion(self, text_hidden, text_mask, image_tokens, trace=None):
        """Fusion layers on text-encoder output, cross-attending to all image tokens."""
        x, am, t = text_hidden, additive_mask(text_mask, text_hidden.dtype), self.cfg["text_layers"]
        for n, layer in enumerate(self._layers(t, t + self.cfg["fusion_layers"])):
            x = layer(x, am, image_tokens)
            _record(trace, f"fusion.layer.{t + n}", x)
        return x

    def itm_logits(self, fused):
        return self.itm_head(fused[:, 0])

    def mlm_logits(self, fused):
        p = self.text_encoder.cls.predictions
        h = p.transform.LayerNorm(gelu(p.transform.dense(fused)))
        return h @ p.decoder.weight.t() + p.bias

    def image_feat(self, image_tokens):
        return F.normalize(self.vision_proj(image_tokens[:, 0]), dim=-1, eps=1e-12)

    def text_feat(self, text_hidden):
        return F.normalize(self.text_proj(text_hidden[:, 0]), dim=-1, eps=1e-12)


def load_checkpoint(path, dtype=torch.float32):
    """(model in eval mode, tensors) from a weakpair-albef safetensors file, loaded strictly.

    Tolerated (and reported) layout differences: token_type_embeddings with any number of rows,
    `temp` stored as [] or [1], the MLM decoder absent when mlm_tied (taken from word_embeddings),
    no MLM head at all (a converted retrieval checkpoint; mlm_logits then fails)."""
    cfg = config_from_metadata(read_metadata(path))
    sd = read_safetensors(path)
    tt = sd.get("text_encoder.bert.embeddings.token_type_embeddings.weight")
    if "temp" in sd:
        sd["temp"] = sd["temp"].reshape(())
    dec = "text_encoder.cls.predictions.decoder.weight"
    has_mlm = any(k.startswith("text_encoder.cls.") for k in sd)
    if has_mlm and dec not in sd and cfg["mlm_tied"]:
        print(f"albef_torch: {dec} absent, tied to word_embeddings", file=sys.stderr)
        sd[dec] = sd["text_encoder.bert.embeddings.word_embeddings.weight"]
    model = Albef(cfg, type_vocab=tt.shape[0] if tt is not None else 2, mlm=has_mlm)
    model.load_state_dict({k: v.float() for k, v in sd.items()}, strict=True)
    return model.to(dtype).eval(), sd


def init_checkpoint(preset, out, seed, vocab=None):
    """A random checkpoint meant for comparisons, not training. LayerNorm gains, biases and
    embeddings are random too, so a swapped or ignored parameter cannot hide behind 1s and 0s;
    weights have std 1/sqrt(fan_in), so activations are O(1) in every layer and GELU's form,
    LayerNorm's eps and the softmax scale change the outputs well above F32 rounding (a
    BERT-style std 0.02 keeps them near 0, where erf and tanh GELU agree to 1e-5)."""
    cfg = dict(PRESETS[preset], preset=preset)
    if vocab:
        cfg["vocab_size"] = vocab
    torch.manual_seed(seed)
    model = Albef(cfg)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("weight") and ("LayerNorm" in name or ".norm" in name):
                p.copy_(1 + 0.2 * torch.randn_like(p))
            elif name == "temp":
                p.fill_(0.07)
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn_like(p))
            elif "embeddings" in name or name.endswith(("cls_token", "pos_embed")):
                p.copy_(torch.randn_like(p))
            else:
                p.copy_(torch.randn_like(p) / math.sqrt(p[0].numel()))
        if cfg["mlm_tied"]:
            model.text_encoder.cls.predictions.decoder.weight.copy_(model.text_encoder.bert.embeddings.word_embeddings.weight)
    write_safetensors(out, model.state_dict(), metadata_from_config(cfg))
    return model.eval()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--init", choices=sorted(PRESETS), required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--vocab", type=int, help="override the preset's vocabulary size")
    a = p.parse_args()
    torch.set_num_threads(2)
    model = init_checkpoint(a.init, a.out, a.seed, a.vocab)
    n = sum(t.numel() for t in model.state_dict().values())
    print(f"albef_torch: {a.init} checkpoint, {n:,} numbers -> {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

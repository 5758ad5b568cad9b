#!/usr/bin/python3
"""One training step of the ALBEF-style model in plain PyTorch, replaying a step the engine
dumped (bench/java/.../StepDumpMain.java), and the comparison of the two. Reference only.

    step_reference.py CK DUMP [--dtype float32|float64] [--tol 1e-4] [--show N]

Reads the batch, the GITM pairs and the MLM masks the engine drew from DUMP, runs the same
step (uITC + beta GITM + lambda MLM of docs/method.md, dropout off, backward, clipping by the
global norm, AdamW, temperature clamp) on the checkpoint CK, and prints one row per compared
tensor: the projections, ITM and MLM logits, every loss term, every parameter's gradient and
every parameter after the update (clipping + AdamW applied by PyTorch to the engine's gradients,
judged, and from PyTorch's own gradients, reported; relative error ||engine - torch|| / ||torch||). Exits 1 when
any row is above --tol or missing. The GITM pairs are also mined again here from PyTorch's own
similarities (losses_reference.mine) and must be the engine's exactly.
"""
import argparse
import json
import os
import struct
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from albef_torch import load_checkpoint, read_metadata  # noqa: E402
from losses_reference import mine, read_safetensors, uitc_loss  # noqa: E402


def tie_decoder(model):
    """BERT's MLM decoder is the word-embedding table itself (one parameter, gradients summed), as in the engine."""
    if model.cfg["mlm_tied"]:
        model.text_encoder.cls.predictions.decoder.weight = model.text_encoder.bert.embeddings.word_embeddings.weight


def engine_names(model):
    """Parameters under the engine's names: a tied tensor once, under its first name (Module.namedParameters)."""
    return dict(model.named_parameters())   # PyTorch also lists a shared tensor once, under its first name


def step_losses(model, d, meta, dtype):
    """The forward of the fine-tune step on the dumped batch and draws: (total, terms, outputs)."""
    px = d["pixel_values"].to(dtype)
    ids, mask, labels = d["input_ids"].long(), d["attention_mask"].long(), d["labels"].long()
    img = model.image_tokens(px)
    txt = model.text_tokens(ids, mask)
    image_proj, text_proj = model.vision_proj(img[:, 0]), model.text_proj(txt[:, 0])
    itc, _, _, S = uitc_loss(image_proj, text_proj, model.temp, labels, labels, float(meta["alpha"]))

    pi, pt = d["pair_images"].long(), d["pair_texts"].long()
    itm_logits = model.itm_logits(model.fusion(txt[pt], mask[pt], img[pi]))
    gitm = F.cross_entropy(itm_logits, d["pair_labels"].long())

    w = txt.shape[-1]
    fused = model.fusion(model.text_tokens(d["mlm_ids"].long(), mask), mask, img)
    mlm_logits = model.mlm_logits(fused.reshape(-1, w)[d["mlm_positions"].long()])
    mlm = F.cross_entropy(mlm_logits, d["mlm_targets"].long())

    total = itc + float(meta["beta"]) * gitm + float(meta["lambda_mlm"]) * mlm
    outputs = {"out.image_proj": image_proj, "out.text_proj": text_proj, "out.itm_logits": itm_logits,
               "out.mlm_logits": mlm_logits}
    terms = {"loss.total": total, "loss.itc": itc, "loss.gitm": gitm, "loss.mlm": mlm}
    return total, terms, outputs, S


def gitm_pairs(S, labels):
    """GITM's (image, text, label) list in the engine's order (StepLosses.MatchPairs.gitm), mined here."""
    neg_t, neg_i, weak = (t.tolist() for t in mine(S, labels, False, 0))
    n = len(neg_t)
    rows = [(i, i, 1) for i in range(n)]
    rows += [(i, weak[i], 1) for i in range(n) if weak[i] >= 0]
    rows += [(i, neg_t[i], 0) for i in range(n) if neg_t[i] >= 0]
    rows += [(neg_i[j], j, 0) for j in range(n) if neg_i[j] >= 0]
    return rows


def adamw_step(params, meta):
    """Global-norm clipping as the engine does it (scale max/norm, no +1e-6), then torch.optim.AdamW
    with decay on tensors of rank >= 2 only, then the temperature clamp."""
    clip = float(meta["clip"])
    grads = [p.grad for p in params.values()]
    norm = torch.sqrt(sum((g.double() ** 2).sum() for g in grads)).item()
    if norm > clip:
        for g in grads:
            g.mul_(clip / norm)
    b1, b2 = (float(x) for x in meta["betas"].split(","))
    decay = [p for p in params.values() if p.dim() >= 2]
    no_decay = [p for p in params.values() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": float(meta["weight_decay"])},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=float(meta["lr"]), betas=(b1, b2), eps=float(meta["eps"]))
    opt.step()
    lo, hi = (float(x) for x in meta["temperature_range"].split(","))
    with torch.no_grad():
        params["temp"].clamp_(lo, hi)
    return norm


def replay(ck, dump_path, dtype):
    d = read_safetensors(dump_path)
    meta = read_metadata(dump_path)
    model, _ = load_checkpoint(ck, dtype)
    tie_decoder(model)
    params = engine_names(model)
    with torch.no_grad():
        for name, p in params.items():
            before = d["before." + name].to(dtype).reshape(p.shape)
            if not torch.equal(before, p.detach()):
                raise ValueError(f"{dump_path}: parameter {name} before the step is not the checkpoint's (another checkpoint?)")
    total, terms, outputs, S = step_losses(model, d, meta, dtype)
    total.backward()
    ref = {k: v.detach() for k, v in {**outputs, **terms}.items()}
    for name, p in params.items():
        ref["grad." + name] = p.grad.detach().clone()
    # The update judged: clipping + AdamW on the engine's own gradients (the gradients are judged
    # in their own rows), so a gradient element near 0, where g / (sqrt(v) + eps) turns a 1e-6
    # relative difference into a large one, cannot hide or fake a difference in the optimiser.
    # The end-to-end update from PyTorch's gradients is reported beside it.
    before = {name: p.detach().clone() for name, p in params.items()}
    norm = adamw_step(params, meta)
    end_to_end = {name: p.detach().clone() for name, p in params.items()}
    with torch.no_grad():
        for name, p in params.items():
            p.copy_(before[name])
            p.grad = d["grad." + name].to(dtype).reshape(p.shape).clone()
    adamw_step(params, meta)
    for name, p in params.items():
        ref["after." + name] = p.detach().clone()
    ref_end_to_end = {"after." + k: v for k, v in end_to_end.items()}
    pairs_engine = list(zip(d["pair_images"].tolist(), d["pair_texts"].tolist(), d["pair_labels"].tolist()))
    pairs_same = pairs_engine == gitm_pairs(S.detach(), d["labels"].long())
    return d, meta, ref, norm, pairs_same, ref_end_to_end


def zero_gradient(name, shape):
    """The elements whose true gradient is exactly 0: an attention key bias (adding q . b_k to
    every score of a softmax row changes nothing), i.e. BERT's `self.key.bias` and the key third
    of a ViT `attn.qkv.bias`. Both sides hold rounding noise there, and AdamW turns noise into
    an update of up to lr, so these elements are judged apart (see compare)."""
    mask = torch.zeros(shape, dtype=torch.bool)
    if name.endswith(".self.key.bias"):
        mask[:] = True
    elif name.endswith("attn.qkv.bias"):
        w = shape[0] // 3
        mask[w:2 * w] = True
    return mask


def compare(d, ref, tol, show, lr):
    """One row per reference tensor (parameters summarised beyond the `show` worst); True when all pass.
    Relative error ||engine - torch|| / ||torch|| over the elements with a true gradient; on the
    zero-gradient elements, a gradient is measured against the same layer's key weight gradient
    and an update must stay within lr of the value before the step (AdamW's bound), as PyTorch's does."""
    rows = []
    for name, r in ref.items():
        e = d.get(name)
        if e is None or e.numel() != r.numel():
            rows.append((name, float("inf"), "missing" if e is None else f"engine shape {tuple(e.shape)}"))
            continue
        e = e.reshape(r.shape).double()
        r = r.double()
        kind, param = name.split(".", 1)
        z = zero_gradient(param, r.shape) if kind in ("grad", "after") else torch.zeros(r.shape, dtype=torch.bool)
        err = ((e - r)[~z].norm() / r[~z].norm().clamp_min(1e-30)).item() if (~z).any() else 0.0
        note = ""
        if z.any() and kind == "grad":
            key_w = ref["grad." + param[: -len("bias")] + "weight"] if param.endswith("key.bias") else ref["grad." + param[:-4] + "weight"][r.shape[0] // 3: 2 * r.shape[0] // 3]
            err = max(err, ((e - r)[z].norm() / key_w.double().norm()).item())
            note = " (key bias: true gradient 0, noise relative to the key weight's gradient)"
        elif z.any() and kind == "after":
            moved = (e - d["before." + param].reshape(r.shape).double())[z].abs().max().item()
            if moved > lr * (1 + 1e-3):
                err = float("inf")
            note = f" (key bias: true gradient 0, engine moved it by {moved:.1e} {'<=' if moved <= lr * (1 + 1e-3) else '>'} lr {lr:g})"
        rows.append((name, err, note))
    ok = True
    print(f"{'tensor':64s} {'rel err':>10s}  verdict")
    groups = {}
    for name, err, note in rows:
        kind = name.split(".")[0]
        groups.setdefault(kind, []).append((name, err, note))
    for kind in ("out", "loss", "grad", "after"):
        items = groups.get(kind, [])
        listed = items if kind in ("out", "loss") else sorted(items, key=lambda r: -r[1])[:show]
        for name, err, note in listed:
            good = err <= tol
            ok = ok and good
            print(f"{name:64s} {err:10.2e}  {'ok' if good else 'FAIL'} {note}")
        if kind in ("grad", "after") and items:
            worst = max(err for _, err, _ in items)
            bad = sum(err > tol for _, err, _ in items)
            ok = ok and bad == 0
            print(f"{kind + '.* (' + str(len(items)) + ' parameters: worst shown above)':64s} {worst:10.2e}  "
                  f"{'ok' if bad == 0 else f'FAIL ({bad} above tolerance)'}")
    return ok


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoint")
    p.add_argument("dump")
    p.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    p.add_argument("--tol", type=float, default=1e-4)
    p.add_argument("--show", type=int, default=5, help="worst parameters listed per kind")
    a = p.parse_args()
    torch.set_num_threads(2)
    d, meta, ref, norm, pairs_same, end_to_end = replay(a.checkpoint, a.dump, getattr(torch, a.dtype))
    print(f"step_reference ({a.dtype}): {len(d['pair_labels'])} GITM pairs, {len(d['mlm_targets'])} masked tokens, "
          f"gradient norm engine {float(meta['grad_norm']):.6f} / torch {norm:.6f}")
    ok = compare(d, ref, a.tol, a.show, float(meta["lr"]))
    print(f"GITM pairs mined from PyTorch's similarities: {'identical to the engine' if pairs_same else 'DIFFERENT from the engine'}")
    worst = max(((d[k].reshape(v.shape).double() - v.double()).norm() / v.double().norm().clamp_min(1e-30)).item()
                for k, v in end_to_end.items())
    print(f"parameters after the step from PyTorch's own gradients (not judged): worst relative error {worst:.2e}")
    ok = ok and pairs_same
    print("OK" if ok else f"FAILED (tolerance {a.tol})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""docs/method.md in PyTorch: an independent implementation of the `weakpair losses` contract.

    python3 bench/losses_reference.py --input IN.safetensors --output OUT.safetensors \
        [--alpha 0.6] [--mode topk|sample] [--seed 0] [--dtype float32|float64]
    python3 bench/losses_reference.py --make-input IN.safetensors [--n 48 --d 32 --k 4 --seed 1]

Reads and writes safetensors with struct + json only (no safetensors package). The loss and
its gradients come from PyTorch autograd over composed ops (normalize, matmul, log_softmax);
the confidences and the GITM mining follow docs/method.md sections 1 and 4 with plain tensor ops and
loops, and the sample mode re-implements the seeded RNG specified in native/include/wp/mining.h.
Also imported by bench/torch_contrastive.py for the timing comparison. Reference only: PyTorch
is never a dependency of the engine.
"""
import argparse
import json
import math
import struct
import sys

import torch

# --------------------------------------------------------------------------- safetensors I/O

_DTYPES = {"F32": (torch.float32, 4), "F64": (torch.float64, 8), "I32": (torch.int32, 4), "I64": (torch.int64, 8)}
_NAMES = {v[0]: k for k, v in _DTYPES.items()}


def read_safetensors(path):
    with open(path, "rb") as fh:
        blob = fh.read()
    (hlen,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + hlen].decode("utf-8"))
    data = blob[8 + hlen:]
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        if e["dtype"] not in _DTYPES:
            raise ValueError(f"{path}: tensor {name}: unsupported dtype {e['dtype']}")
        dt, size = _DTYPES[e["dtype"]]
        b, end = e["data_offsets"]
        n = math.prod(e["shape"]) if e["shape"] else 1
        if end - b != n * size:
            raise ValueError(f"{path}: tensor {name}: {end - b} bytes for shape {e['shape']}")
        t = torch.frombuffer(bytearray(data[b:end]), dtype=dt) if n > 0 else torch.empty(0, dtype=dt)
        out[name] = t.reshape(e["shape"]).clone()
    return out


def write_safetensors(path, tensors, metadata=None):
    header, chunks, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        raw = t.numpy().tobytes()
        header[name] = {"dtype": _NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    hbytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hbytes += b" " * ((8 - len(hbytes) % 8) % 8)
    with open(path, "wb") as fh:
        fh.write(struct.pack("<Q", len(hbytes)))
        fh.write(hbytes)
        for c in chunks:
            fh.write(c)


# --------------------------------------------------------------------------- sections 1-3

def normalize(x):
    return x / x.norm(dim=1, keepdim=True).clamp_min(1e-12)


def uitc_loss(image, text, tau, row_labels, col_labels, alpha):
    """(loss, loss_i2t, loss_t2i, S) of docs/method.md sections 1-3 with composed ops.

    Rows (columns) without any positive are left out of the means, as in the engine."""
    f, g = normalize(image), normalize(text)
    S = f @ g.t() / tau
    M = row_labels[:, None] == col_labels[None, :]
    with torch.no_grad():  # c is a stop-gradient constant
        Mf = M.to(S.dtype)
        masked = S.masked_fill(~M, float("-inf"))
        c_i2t = torch.softmax(masked, dim=1).nan_to_num(0.0)
        c_t2i = torch.softmax(masked, dim=0).nan_to_num(0.0)
        q_i2t = (1 - alpha) * Mf / Mf.sum(1, keepdim=True).clamp_min(1) + alpha * c_i2t
        q_t2i = (1 - alpha) * Mf / Mf.sum(0, keepdim=True).clamp_min(1) + alpha * c_t2i
    rows, cols = M.any(1), M.any(0)
    per_row = -(q_i2t * torch.log_softmax(S, dim=1)).sum(1)
    per_col = -(q_t2i * torch.log_softmax(S, dim=0)).sum(0)
    l_i2t = per_row[rows].mean() if rows.any() else S.sum() * 0
    l_t2i = per_col[cols].mean() if cols.any() else S.sum() * 0
    return (l_i2t + l_t2i) / 2, l_i2t, l_t2i, S


def confidence(S, labels):
    M = labels[:, None] == labels[None, :]
    masked = S.masked_fill(~M, float("-inf"))
    return torch.softmax(masked, dim=1).nan_to_num(0.0), torch.softmax(masked, dim=0).nan_to_num(0.0)


# --------------------------------------------------------------------------- section 4

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15


def _mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def uniform(seed, stream, a, b):
    """The sample-mode uniform of native/include/wp/mining.h."""
    h = _mix((_mix((_mix((seed + _GOLDEN * stream) & _MASK) + _GOLDEN * a) & _MASK) + _GOLDEN * b) & _MASK)
    return ((h >> 11) + 0.5) / float(1 << 53)


def groups_of(labels):
    firsts = {}
    for i, y in enumerate(labels.tolist()):
        firsts.setdefault(y, []).append(i)
    return sorted(firsts.values(), key=lambda g: g[0])


def mine(S, labels, sample, seed):
    n = S.shape[0]
    S = S.detach()
    neg_text, neg_image, weak = [0] * n, [0] * n, [0] * n
    y = labels.tolist()
    for g in groups_of(labels):
        k, first = len(g), g[0]
        outside = [j for j in range(n) if y[j] != y[first]]
        gi = torch.tensor(g)
        key_t = S[gi, :].max(dim=0).values.double()   # text j against the group's images
        key_i = S[:, gi].max(dim=1).values.double()   # image i against the group's texts
        kt = {j: float(key_t[j]) for j in outside}
        ki = {j: float(key_i[j]) for j in outside}
        if sample:
            for j in outside:
                kt[j] += -math.log(-math.log(uniform(seed, 1, first, j)))
                ki[j] += -math.log(-math.log(uniform(seed, 2, first, j)))
        pool_t = sorted(outside, key=lambda j: (-kt[j], j))
        pool_i = sorted(outside, key=lambda j: (-ki[j], j))
        for r, m in enumerate(g):
            neg_text[m] = pool_t[r % len(pool_t)] if pool_t else -1
            neg_image[m] = pool_i[r % len(pool_i)] if pool_i else -1
            if k < 2:
                weak[m] = -1
            elif sample:
                others = [j for j in g if j != m]
                weak[m] = others[min(k - 2, int(uniform(seed, 3, m, 0) * (k - 1)))]
            else:
                c = torch.softmax(S[m, gi], dim=0)
                best = None
                for t, j in enumerate(g):
                    if j != m and (best is None or c[t] < c[best]):
                        best = t
                weak[m] = g[best]
    as_i32 = lambda v: torch.tensor(v, dtype=torch.int32)
    return as_i32(neg_text), as_i32(neg_image), as_i32(weak)


# --------------------------------------------------------------------------- the contract

def losses_contract(inputs, alpha, mode, seed, dtype=torch.float32):
    image = inputs["image_emb"].to(dtype).requires_grad_()
    text = inputs["text_emb"].to(dtype).requires_grad_()
    labels = inputs["labels"].long()
    tau = inputs["temperature"].reshape(()).to(dtype).requires_grad_()
    loss, l_i2t, l_t2i, S = uitc_loss(image, text, tau, labels, labels, alpha)
    loss.backward()
    with torch.no_grad():
        c_i2t, c_t2i = confidence(S, labels)
        hn_t, hn_i, wp = mine(S, labels, mode == "sample", seed)
    f32 = lambda t: t.detach().to(torch.float32)
    return {
        "loss": f32(loss), "loss_i2t": f32(l_i2t), "loss_t2i": f32(l_t2i),
        "grad_image_emb": f32(image.grad), "grad_text_emb": f32(text.grad), "grad_temperature": f32(tau.grad),
        "confidence_i2t": f32(c_i2t), "confidence_t2i": f32(c_t2i),
        "hard_neg_text": hn_t, "hard_neg_image": hn_i, "weak_pos_text": wp,
    }


def make_input(path, n, d, k, seed):
    """A batch with identity structure: k captions/images per identity, a shared direction plus noise."""
    gen = torch.Generator().manual_seed(seed)
    labels = torch.arange(n) // k
    labels = labels[torch.randperm(n, generator=gen)] * 7 + 3
    base = torch.randn(int(labels.max()) + 1, d, generator=gen)
    image = base[labels] + 0.8 * torch.randn(n, d, generator=gen)
    text = base[labels] + 0.8 * torch.randn(n, d, generator=gen)
    image = image * (0.5 + 2 * torch.rand(n, 1, generator=gen))
    write_safetensors(path, {"image_emb": image.float(), "text_emb": text.float(), "labels": labels.long(),
                             "temperature": torch.tensor(0.07, dtype=torch.float32)})


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--input")
    p.add_argument("--output")
    p.add_argument("--alpha", type=float, default=0.6)
    p.add_argument("--mode", choices=["topk", "sample"], default="topk")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    p.add_argument("--make-input", metavar="PATH", help="write a random input file and exit")
    p.add_argument("--n", type=int, default=48)
    p.add_argument("--d", type=int, default=32)
    p.add_argument("--k", type=int, default=4, help="samples per identity (--make-input)")
    a = p.parse_args()
    if a.make_input:
        make_input(a.make_input, a.n, a.d, a.k, a.seed)
        return 0
    if not a.input or not a.output:
        p.error("--input and --output are required (or --make-input)")
    out = losses_contract(read_safetensors(a.input), a.alpha, a.mode, a.seed, getattr(torch, a.dtype))
    write_safetensors(a.output, out, {"producer": "bench/losses_reference.py", "alpha": a.alpha, "mode": a.mode})
    print(f"losses_reference: loss {out['loss'].item():.6f} (i2t {out['loss_i2t'].item():.6f}, "
          f"t2i {out['loss_t2i'].item():.6f}) -> {a.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

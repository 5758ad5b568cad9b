#!/usr/bin/env python3
"""Synthetic galleries for the person-search scale benchmark (bench/search/scale.sh).

Writes a safetensors file with image_feat F32 [N, D] (the layout `weakpair index --features`
reads; with an identity I32 [N] in the clustered mode) and a second one, OUT.queries.safetensors,
with queries F32 [Q, D]; every row L2-normalised. Numpy only; the header is written by hand.

Modes:
  gaussian   directions uniform on the sphere: no structure at all, the worst case for a graph
             index (every point's neighbours are barely closer than a random point).
  clustered  what a trained gallery looks like: identities of 2-6 images each; an identity's
             unit centre lies near a low-dimensional "attribute" subspace (--latent dims, plus a
             little isotropic spread --centre-noise), each image is the centre plus isotropic
             noise (--noise), renormalised; each query is drawn near one identity's centre
             with the same noise, as a caption describes one person.

The defaults of the clustered mode were chosen by the local intrinsic dimensionality (LID, the
maximum-likelihood estimate over the 100 nearest neighbours of each query) that --describe
prints: real embedding sets (SIFT, GloVe, MNIST-like) are reported with mean LIDs in the tens
(Aumueller and Ceccarello, "The role of local intrinsic dimensionality in benchmarking nearest
neighbor search", 2019), while uniform random 128-d vectors measure 62 here at N = 100,000.
The defaults give 24 at 100,000 and 29 at 1,000,000 (the harder end of the real range), and
put two images of one person at a cosine of about 0.75 (1 / (1 + noise^2)), as person
re-identification features do; 40% of a query's true top 10 are then its own person's images.
"""
import argparse
import json
import os
import struct

import numpy as np

CHUNK = 65536


def write(path, tensors):
    header, offset = {}, 0
    for name, array in tensors.items():
        dtype = {np.dtype("float32"): "F32", np.dtype("int32"): "I32"}[array.dtype]
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + array.nbytes]}
        offset += array.nbytes
    header["__metadata__"] = {"producer": "bench/search/make_features.py"}
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned
    tmp = path + ".tmp"  # renamed when complete: an interrupted run leaves no truncated file behind
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for array in tensors.values():
            # In chunks: a million 256-d rows are 1 GiB.
            for start in range(0, array.shape[0], CHUNK):
                f.write(np.ascontiguousarray(array[start:start + CHUNK]).astype(array.dtype.newbyteorder("<")).tobytes())
    os.replace(tmp, path)


def normalise(x):
    x = x.astype(np.float32, copy=False)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def gaussian(rng, n, d):
    out = np.empty((n, d), dtype=np.float32)
    for start in range(0, n, CHUNK):
        out[start:start + CHUNK] = normalise(rng.standard_normal((min(CHUNK, n - start), d)).astype(np.float32))
    return out


class Clustered:
    """Identity centres near a random `latent`-dim subspace; images and queries scattered around them."""

    def __init__(self, rng, d, latent, centre_noise, noise):
        self.rng, self.d, self.noise = rng, d, noise
        self.centre_noise = centre_noise
        self.basis = np.linalg.qr(rng.standard_normal((d, latent)))[0].T.astype(np.float32)  # [latent, d], orthonormal rows

    def centres(self, m):
        z = self.rng.standard_normal((m, self.basis.shape[0])).astype(np.float32) @ self.basis
        z = normalise(z)
        return normalise(z + self.centre_noise / np.sqrt(self.d) * self.rng.standard_normal((m, self.d)).astype(np.float32))

    def around(self, centres):
        g = self.rng.standard_normal(centres.shape).astype(np.float32)
        return normalise(centres + self.noise / np.sqrt(self.d) * g)


def clustered(rng, n, d, queries, latent, centre_noise, noise):
    sizes = []
    while sum(sizes) < n:
        sizes.append(int(rng.integers(2, 7)))
    sizes[-1] -= sum(sizes) - n
    if sizes[-1] == 0:
        sizes.pop()
    gen = Clustered(rng, d, latent, centre_noise, noise)
    identity = np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)
    feats = np.empty((n, d), dtype=np.float32)
    centres = np.empty((len(sizes), d), dtype=np.float32)
    for start in range(0, len(sizes), CHUNK):
        centres[start:start + CHUNK] = gen.centres(min(CHUNK, len(sizes) - start))
    for start in range(0, n, CHUNK):
        feats[start:start + CHUNK] = gen.around(centres[identity[start:start + CHUNK]])
    # Shuffled, as a gallery is not stored by identity (and an index built in identity order
    # would flatter the graph).
    order = rng.permutation(n)
    asked = rng.integers(0, len(sizes), queries)
    return feats[order], identity[order], gen.around(centres[asked])


def describe(gallery, queries, identity=None, k=100):
    """Neighbour statistics of the queries (exact): LID, cosines of the 1st/10th/random neighbour."""
    top = np.empty((len(queries), k), dtype=np.float32)
    idx = np.empty((len(queries), 10), dtype=np.int64)
    for i in range(0, len(queries), 50):
        s = queries[i:i + 50] @ gallery.T
        part = np.argpartition(-s, k, axis=1)[:, :k]
        vals = np.take_along_axis(s, part, axis=1)
        o = np.argsort(-vals, axis=1)
        top[i:i + 50] = np.take_along_axis(vals, o, axis=1)
        idx[i:i + 50] = np.take_along_axis(part, o, axis=1)[:, :10]
    dist = np.sqrt(np.maximum(2 - 2 * top.astype(np.float64), 1e-12))
    lid = -1 / np.mean(np.log(dist[:, :-1] / dist[:, -1:]), axis=1)
    rand = np.einsum("ij,ij->i", queries, gallery[np.random.default_rng(1).integers(0, len(gallery), len(queries))])
    line = (f"neighbours of {len(queries)} queries: LID@{k} mean {lid.mean():.1f} (median {np.median(lid):.1f}); "
            f"cosine 1st {top[:, 0].mean():.3f}, 10th {top[:, 9].mean():.3f}, 100th {top[:, k - 1].mean():.3f}, random {rand.mean():.3f}")
    if identity is not None:
        # How many of a query's top 10 are the query's own person: the rest is the hard part.
        same = (identity[idx] == identity[idx[:, :1]]).mean()
        line += f"; top-10 sharing the 1st hit's identity {same:.2f}"
    print(line)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, required=True, help="gallery vectors")
    p.add_argument("--dim", type=int, required=True, help="feature width")
    p.add_argument("--mode", choices=["gaussian", "clustered"], default="clustered")
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--latent", type=int, default=16, help="clustered: dimensions of the attribute subspace of the centres")
    p.add_argument("--centre-noise", type=float, default=0.5, help="clustered: isotropic spread of the centres off that subspace")
    p.add_argument("--noise", type=float, default=0.6, help="clustered: isotropic noise of an image (or query) around its centre")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--describe", action="store_true", help="print the neighbour statistics (LID, cosines) of the queries")
    p.add_argument("--out", required=True, help="gallery file; queries go to OUT.queries.safetensors")
    a = p.parse_args()
    for name in ("n", "dim", "queries", "latent"):
        if getattr(a, name) < 1:
            p.error(f"--{name} must be at least 1, got {getattr(a, name)}")
    if a.latent > a.dim:
        p.error(f"--latent ({a.latent}) must be at most --dim ({a.dim})")
    rng = np.random.default_rng(a.seed)
    identity = None
    if a.mode == "gaussian":
        gallery, queries = gaussian(rng, a.n, a.dim), gaussian(rng, a.queries, a.dim)
        write(a.out, {"image_feat": gallery})
    else:
        gallery, identity, queries = clustered(rng, a.n, a.dim, a.queries, a.latent, a.centre_noise, a.noise)
        write(a.out, {"image_feat": gallery, "identity": identity})
    write(a.out.removesuffix(".safetensors") + ".queries.safetensors", {"queries": queries})
    if a.describe:
        describe(gallery, queries, identity)


if __name__ == "__main__":
    main()

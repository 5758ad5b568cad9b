#!/usr/bin/env python3
"""Random unit vectors for the person-search scale benchmark (bench/search/scale.sh).

Writes a safetensors file with image_feat F32 [N, D] (the layout `weakpair index --features`
reads) and a second one with queries F32 [Q, D], both rows L2-normalised, from a seeded
Gaussian (directions uniform on the sphere). Numpy only; the header is written by hand.
"""
import argparse
import json
import struct

import numpy as np


def write(path, name, array):
    header = {name: {"dtype": "F32", "shape": list(array.shape), "data_offsets": [0, array.nbytes]},
              "__metadata__": {"producer": "bench/search/make_features.py"}}
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        # In chunks: a million 256-d rows are 1 GiB.
        for start in range(0, array.shape[0], 65536):
            f.write(np.ascontiguousarray(array[start:start + 65536], dtype="<f4").tobytes())


def unit_rows(rng, n, d):
    out = np.empty((n, d), dtype=np.float32)
    for start in range(0, n, 65536):
        x = rng.standard_normal((min(65536, n - start), d)).astype(np.float32)
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        out[start:start + len(x)] = x
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--n", type=int, required=True, help="gallery vectors")
    p.add_argument("--dim", type=int, required=True, help="feature width")
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True, help="gallery file; queries go to OUT.queries.safetensors")
    a = p.parse_args()
    rng = np.random.default_rng(a.seed)
    write(a.out, "image_feat", unit_rows(rng, a.n, a.dim))
    write(a.out.removesuffix(".safetensors") + ".queries.safetensors", "queries", unit_rows(rng, a.queries, a.dim))


if __name__ == "__main__":
    main()

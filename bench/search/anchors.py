#!/usr/bin/env python3
"""The benchmark anchors of bench/search/compare.sh: FAISS IndexHNSWFlat and hnswlib on the same
vectors as the engine, measured the way bench/java/.../SearchScale.java measures the engine.

One system and one build-thread count per process, so the process's peak RSS (taken by
/usr/bin/time around it) is that system's alone. Reads the gallery and queries that
make_features.py wrote, builds the graph (M, construction beam given), writes it to a file (its
size is the index size), computes the exact top k with numpy, then for each search beam ("ef")
answers every query one at a time on one thread, after a warm-up pass: p50/p95 latency
(nearest rank) and recall@k against the exact top k. Prints one JSON line.

Debian's python3-faiss (1.7.3) and python3-hnswlib (0.6.2), /usr/bin/python3: reference only,
never a dependency of the engine.
"""
import argparse
import json
import os
import struct
import sys
import time

import numpy as np


def read_safetensors(path, name):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        entry = header[name]
        start, end = entry["data_offsets"]
        f.seek(8 + n + start)
        data = np.frombuffer(f.read(end - start), dtype="<f4")
    return data.reshape(entry["shape"]).astype(np.float32)


def exact_top(gallery, queries, k):
    # A few queries at a time: a [Q, N] score matrix would dominate the process's peak RSS.
    out = []
    for start in range(0, len(queries), 8):
        scores = queries[start:start + 8] @ gallery.T
        out += [set(row.tolist()) for row in np.argpartition(-scores, k, axis=1)[:, :k]]
    return out


def pct(ms, p):
    s = sorted(ms)
    return s[max(0, int(np.ceil(p / 100 * len(s))) - 1)]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--system", choices=["faiss", "hnswlib"], required=True)
    p.add_argument("--features", required=True)
    p.add_argument("--queries", required=True)
    p.add_argument("--m", type=int, default=16)
    p.add_argument("--beam", type=int, default=100, help="construction beam (efConstruction)")
    p.add_argument("--threads", type=int, default=1, help="build threads")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--efs", default="10 20 30 40 50 60 80 100 150 200")
    p.add_argument("--out", required=True, help="where the built index is written")
    a = p.parse_args()
    gallery = np.ascontiguousarray(read_safetensors(a.features, "image_feat"))
    queries = np.ascontiguousarray(read_safetensors(a.queries, "queries"))
    n, d = gallery.shape
    if a.system == "faiss":
        import faiss
        faiss.omp_set_num_threads(a.threads)
        index = faiss.IndexHNSWFlat(d, a.m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = a.beam
        t, c = time.perf_counter(), time.process_time()
        index.add(gallery)
        build, build_cpu = time.perf_counter() - t, time.process_time() - c
        faiss.write_index(index, a.out)
        faiss.omp_set_num_threads(1)

        def search(q, ef):
            index.hnsw.efSearch = ef
            return index.search(q, a.k)[1][0]
    else:
        import hnswlib
        index = hnswlib.Index(space="ip", dim=d)
        index.init_index(max_elements=n, ef_construction=a.beam, M=a.m)
        index.set_num_threads(a.threads)
        t, c = time.perf_counter(), time.process_time()
        index.add_items(gallery, np.arange(n))
        build, build_cpu = time.perf_counter() - t, time.process_time() - c
        index.save_index(a.out)
        index.set_num_threads(1)

        def search(q, ef):
            index.set_ef(ef)
            return index.knn_query(q, k=a.k)[0][0]
    truth = exact_top(gallery, queries, a.k)
    rows = []
    for ef in [int(x) for x in a.efs.split()]:
        if ef < a.k:
            continue
        for q in queries:
            search(q[None, :], ef)  # warm-up
        ms, found = [], 0
        for i, q in enumerate(queries):
            t = time.perf_counter()
            ids = search(q[None, :], ef)
            ms.append((time.perf_counter() - t) * 1000)
            found += len(truth[i].intersection(int(x) for x in ids))
        rows.append({"ef": ef, "p50_ms": pct(ms, 50), "p95_ms": pct(ms, 95), "recall": found / (len(queries) * a.k)})
    print(json.dumps({"system": a.system, "threads": a.threads, "n": n, "dim": d, "m": a.m, "beam": a.beam, "build_s": build, "build_cpu_s": build_cpu,
                      "size_bytes": os.path.getsize(a.out), "search": rows}))


if __name__ == "__main__":
    sys.exit(main())

package io.weakpair.bench;

import io.weakpair.io.Safetensors;
import io.weakpair.io.SafetensorsReader;
import io.weakpair.search.GalleryIndex;
import io.weakpair.search.Hit;
import io.weakpair.tensor.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The search part of person search at scale (bench/search/scale.sh): for each HNSW candidate
 * count, the latency of every query (p50, p95, after a warm-up pass) and recall@k against the
 * exact scan of the same index. Usage: SearchScale INDEX QUERIES.safetensors K CANDIDATES...
 */
public final class SearchScale {
    public static void main(String[] args) throws Exception {
        if (args.length < 4)
            throw new IllegalArgumentException("usage: SearchScale INDEX QUERIES.safetensors K CANDIDATES...");
        Path indexDir = Path.of(args[0]);
        float[][] queries = readQueries(Path.of(args[1]));
        int k = Integer.parseInt(args[2]);
        try (GalleryIndex index = GalleryIndex.open(indexDir)) {
            int q = queries.length;
            long[] exactNanos = new long[q];
            List<Set<Integer>> truth = new java.util.ArrayList<>();
            for (int i = 0; i < q; i++) {
                long t = System.nanoTime();
                List<Hit> hits = index.exactSearch(queries[i], k);
                exactNanos[i] = System.nanoTime() - t;
                Set<Integer> ids = new HashSet<>();
                for (Hit h : hits) ids.add(h.imageId());
                truth.add(ids);
            }
            System.out.printf(
                    Locale.ROOT,
                    "index %s: %d vectors; %d queries, k=%d; exact scan p50 %.1f ms, p95 %.1f ms%n",
                    indexDir,
                    index.size(),
                    q,
                    k,
                    pct(exactNanos, 50),
                    pct(exactNanos, 95));
            System.out.printf("%10s  %8s  %8s  %9s%n", "candidates", "p50 ms", "p95 ms", "recall@" + k);
            for (int a = 3; a < args.length; a++) {
                int cands = Integer.parseInt(args[a]);
                for (float[] query : queries) index.search(query, k, cands); // warm-up: JIT and page cache
                long[] nanos = new long[q];
                long found = 0;
                for (int i = 0; i < q; i++) {
                    long t = System.nanoTime();
                    List<Hit> hits = index.search(queries[i], k, cands);
                    nanos[i] = System.nanoTime() - t;
                    for (Hit h : hits) if (truth.get(i).contains(h.imageId())) found++;
                }
                System.out.printf(
                        Locale.ROOT,
                        "%10d  %8.2f  %8.2f  %9.4f%n",
                        cands,
                        pct(nanos, 50),
                        pct(nanos, 95),
                        found / (double) (q * k));
            }
        }
    }

    private static float[][] readQueries(Path file) throws Exception {
        try (SafetensorsReader r = Safetensors.open(file);
                Tensor t = r.read("queries")) {
            int q = t.dim(0), d = t.dim(1);
            float[] all = t.toFloatArray();
            float[][] out = new float[q][];
            for (int i = 0; i < q; i++) out[i] = Arrays.copyOfRange(all, i * d, (i + 1) * d);
            return out;
        }
    }

    private static double pct(long[] nanos, int p) {
        return Latencies.percentileMs(nanos, p);
    }
}

package io.weakpair.eval;

import java.util.Arrays;

/**
 * Orders a gallery by score: descending, equal scores to the lower gallery index
 * ({@code -0.0} equals {@code 0.0}; infinities are ordinary values; NaN is an error).
 *
 * <p>Each (score, index) pair is packed into one {@code long} whose natural order is the
 * ranking order, so a ranking is one primitive {@link Arrays#sort(long[])} with no boxing
 * and no comparator, and every key is distinct (the index is part of it).
 */
public final class Ranking {
    private Ranking() {}

    /** Indices of the gallery sorted by descending score, ties to the lower index. */
    public static int[] rank(float[] scores) {
        if (scores == null) throw new IllegalArgumentException("rank: scores is null");
        return rankRow(scores, 0, scores.length, -1);
    }

    /** The top-k indices of scores (same order rule), k clipped to the length. */
    public static int[] topK(float[] scores, int k) {
        if (scores == null) throw new IllegalArgumentException("topK: scores is null");
        if (k < 1) throw new IllegalArgumentException("topK: k must be at least 1, got " + k);
        return topRow(scores, 0, scores.length, k, -1);
    }

    /**
     * The first {@code min(k, length)} of {@link #rankRow}, without sorting the whole row:
     * the k smallest keys are kept in a max-heap (its root the worst of them), so most keys
     * cost one comparison with the root, and only the k survivors are sorted.
     */
    static int[] topRow(float[] scores, int offset, int length, int k, int query) {
        // A heap stops paying off when it holds a large part of the row.
        if (k >= length / 4) {
            int[] order = rankRow(scores, offset, length, query);
            return k >= length ? order : Arrays.copyOf(order, k);
        }
        long[] heap = new long[k];
        int size = 0;
        for (int g = 0; g < length; g++) {
            float s = scores[offset + g];
            if (Float.isNaN(s)) throw new IllegalArgumentException(nanMessage(query, g));
            long key = key(s, g);
            if (size < k) {
                // Sift up.
                int i = size++;
                while (i > 0 && heap[(i - 1) >>> 1] < key) {
                    heap[i] = heap[(i - 1) >>> 1];
                    i = (i - 1) >>> 1;
                }
                heap[i] = key;
            } else if (key < heap[0]) {
                // Replace the worst kept key and sift down.
                int i = 0;
                while (true) {
                    int child = 2 * i + 1;
                    if (child >= k) break;
                    if (child + 1 < k && heap[child + 1] > heap[child]) child++;
                    if (heap[child] <= key) break;
                    heap[i] = heap[child];
                    i = child;
                }
                heap[i] = key;
            }
        }
        Arrays.sort(heap);
        int[] order = new int[k];
        for (int i = 0; i < k; i++) order[i] = index(heap[i]);
        return order;
    }

    /**
     * The ranking of {@code scores[offset .. offset + length)}, as indices relative to
     * {@code offset}. {@code query} (or -1 for none) only names the row in the NaN error.
     */
    static int[] rankRow(float[] scores, int offset, int length, int query) {
        long[] keys = new long[length];
        for (int g = 0; g < length; g++) {
            float s = scores[offset + g];
            if (Float.isNaN(s)) throw new IllegalArgumentException(nanMessage(query, g));
            keys[g] = key(s, g);
        }
        Arrays.sort(keys);
        int[] order = new int[length];
        for (int i = 0; i < length; i++) order[i] = index(keys[i]);
        return order;
    }

    static String nanMessage(int query, int gallery) {
        return (query >= 0 ? "score of query " + query + ", gallery index " : "score of gallery index ") + gallery
                + " is NaN";
    }

    /**
     * The sort key of a (non-NaN) score at a gallery index: a smaller key ranks earlier.
     * The high 32 bits order scores descending, the low 32 bits are the index, so equal
     * scores order by ascending index.
     */
    static long key(float score, int index) {
        // Adding +0 turns -0.0 into +0.0, so the two compare equal as floats do.
        int bits = Float.floatToRawIntBits(score + 0.0f);
        // IEEE floats order like sign-magnitude integers; flipping the magnitude bits of
        // negative values makes the plain signed-int order match the float order.
        bits ^= (bits >> 31) & 0x7fffffff;
        // Complement: a higher score gets a smaller key. Shifting a sign-extended int by 32
        // keeps its signed order, and the non-negative index fills the free low bits.
        return ((long) ~bits << 32) | index;
    }

    /** The gallery index packed in a {@link #key}. */
    static int index(long key) {
        return (int) key;
    }
}

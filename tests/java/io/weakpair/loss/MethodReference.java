package io.weakpair.loss;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * A straightforward double-precision implementation of docs/method.md, written from the text with
 * plain loops and whole matrices, to check the kernels against. Nothing here is shared with
 * the kernels (the sampling RNG is re-implemented from its specification in wp/mining.h).
 */
final class MethodReference {
    private MethodReference() {}

    static final double EPS = 1e-12;

    /** Everything the `losses` contract and the gradient tests compare. */
    static final class Out {
        double loss, lossI2t, lossT2i, gradTau;
        double[][] S, cI2t, cT2i, dS, gradF, gradG;
    }

    static double[][] normalize(double[][] x) {
        double[][] u = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            double ss = 0;
            for (double v : x[i]) ss += v * v;
            double den = Math.max(Math.sqrt(ss), EPS);
            u[i] = new double[x[i].length];
            for (int k = 0; k < x[i].length; k++) u[i][k] = x[i][k] / den;
        }
        return u;
    }

    static double[][] logits(double[][] F, double[][] G, double tau) {
        double[][] f = normalize(F), g = normalize(G);
        double[][] S = new double[F.length][G.length];
        for (int i = 0; i < F.length; i++)
            for (int j = 0; j < G.length; j++) {
                double dot = 0;
                for (int k = 0; k < f[i].length; k++) dot += f[i][k] * g[j][k];
                S[i][j] = dot / tau;
            }
        return S;
    }

    /** M_ij: same identity, or (labels null) the strict pair i == j. */
    static boolean[][] positives(int nr, int nc, long[] rowLabels, long[] colLabels) {
        boolean[][] M = new boolean[nr][nc];
        for (int i = 0; i < nr; i++)
            for (int j = 0; j < nc; j++) M[i][j] = rowLabels == null ? i == j : rowLabels[i] == colLabels[j];
        return M;
    }

    /** Section 1: c_i2t (softmax over P_i of row i) and c_t2i (softmax over P'_j of column j). */
    static double[][][] confidence(double[][] S, boolean[][] M) {
        int nr = S.length, nc = S[0].length;
        double[][] ci = new double[nr][nc], ct = new double[nr][nc];
        for (int i = 0; i < nr; i++) {
            double m = Double.NEGATIVE_INFINITY, z = 0;
            for (int j = 0; j < nc; j++) if (M[i][j]) m = Math.max(m, S[i][j]);
            for (int j = 0; j < nc; j++) if (M[i][j]) z += Math.exp(S[i][j] - m);
            for (int j = 0; j < nc; j++) ci[i][j] = M[i][j] ? Math.exp(S[i][j] - m) / z : 0;
        }
        for (int j = 0; j < nc; j++) {
            double m = Double.NEGATIVE_INFINITY, z = 0;
            for (int i = 0; i < nr; i++) if (M[i][j]) m = Math.max(m, S[i][j]);
            for (int i = 0; i < nr; i++) if (M[i][j]) z += Math.exp(S[i][j] - m);
            for (int i = 0; i < nr; i++) ct[i][j] = M[i][j] ? Math.exp(S[i][j] - m) / z : 0;
        }
        return new double[][][] {ci, ct};
    }

    /**
     * Sections 1-3 on features: rows/columns without positives are left out of the means
     * (R, C count the others), as documented for rectangular S. frozen = {c_i2t, c_t2i} or null.
     */
    static Out loss(
            double[][] F,
            double[][] G,
            double tau,
            long[] rowLabels,
            long[] colLabels,
            double alpha,
            double[][][] frozen) {
        int nr = F.length, nc = G.length, d = F[0].length;
        Out o = new Out();
        o.S = logits(F, G, tau);
        double[][] S = o.S;
        boolean[][] M = positives(nr, nc, rowLabels, colLabels);
        double[][][] c = confidence(S, M);
        o.cI2t = c[0];
        o.cT2i = c[1];
        double[][] useI = frozen == null ? c[0] : frozen[0], useT = frozen == null ? c[1] : frozen[1];
        double a = rowLabels == null ? 0 : alpha;
        double[][] qi = new double[nr][nc],
                qt = new double[nr][nc],
                logp = new double[nr][nc],
                logpt = new double[nr][nc];
        int[] pr = new int[nr], pc = new int[nc];
        for (int i = 0; i < nr; i++)
            for (int j = 0; j < nc; j++)
                if (M[i][j]) {
                    pr[i]++;
                    pc[j]++;
                }
        for (int i = 0; i < nr; i++)
            for (int j = 0; j < nc; j++) {
                qi[i][j] = M[i][j] ? (1 - a) / pr[i] + a * useI[i][j] : 0;
                qt[i][j] = M[i][j] ? (1 - a) / pc[j] + a * useT[i][j] : 0;
            }
        for (int i = 0; i < nr; i++) {
            double m = Arrays.stream(S[i]).max().getAsDouble(), z = 0;
            for (int j = 0; j < nc; j++) z += Math.exp(S[i][j] - m);
            for (int j = 0; j < nc; j++) logp[i][j] = S[i][j] - m - Math.log(z);
        }
        for (int j = 0; j < nc; j++) {
            double m = Double.NEGATIVE_INFINITY, z = 0;
            for (int i = 0; i < nr; i++) m = Math.max(m, S[i][j]);
            for (int i = 0; i < nr; i++) z += Math.exp(S[i][j] - m);
            for (int i = 0; i < nr; i++) logpt[i][j] = S[i][j] - m - Math.log(z);
        }
        int R = 0, C = 0;
        for (int v : pr) if (v > 0) R++;
        for (int v : pc) if (v > 0) C++;
        double li = 0, lt = 0;
        for (int i = 0; i < nr; i++) for (int j = 0; j < nc; j++) li -= qi[i][j] * logp[i][j];
        for (int i = 0; i < nr; i++) for (int j = 0; j < nc; j++) lt -= qt[i][j] * logpt[i][j];
        o.lossI2t = R > 0 ? li / R : 0;
        o.lossT2i = C > 0 ? lt / C : 0;
        o.loss = (o.lossI2t + o.lossT2i) / 2;
        // dL/dS of -sum q log softmax: softmax * sum(q) - q, per row and per column.
        o.dS = new double[nr][nc];
        for (int i = 0; i < nr; i++) {
            double sq = 0;
            for (int j = 0; j < nc; j++) sq += qi[i][j];
            for (int j = 0; j < nc; j++)
                if (pr[i] > 0) o.dS[i][j] += (Math.exp(logp[i][j]) * sq - qi[i][j]) / (2.0 * R);
        }
        for (int j = 0; j < nc; j++) {
            double sq = 0;
            for (int i = 0; i < nr; i++) sq += qt[i][j];
            for (int i = 0; i < nr; i++)
                if (pc[j] > 0) o.dS[i][j] += (Math.exp(logpt[i][j]) * sq - qt[i][j]) / (2.0 * C);
        }
        double[][] f = normalize(F), g = normalize(G);
        double[][] df = new double[nr][d], dg = new double[nc][d];
        for (int i = 0; i < nr; i++)
            for (int j = 0; j < nc; j++)
                for (int k = 0; k < d; k++) {
                    df[i][k] += o.dS[i][j] * g[j][k] / tau;
                    dg[j][k] += o.dS[i][j] * f[i][k] / tau;
                }
        o.gradF = throughNormalize(F, f, df);
        o.gradG = throughNormalize(G, g, dg);
        double dt = 0;
        for (int i = 0; i < nr; i++) for (int j = 0; j < nc; j++) dt += o.dS[i][j] * S[i][j];
        o.gradTau = -dt / tau;
        return o;
    }

    /** dF_i = (df_i - f_i (f_i . df_i)) / max(||F_i||, eps). */
    private static double[][] throughNormalize(double[][] X, double[][] u, double[][] du) {
        double[][] out = new double[X.length][X[0].length];
        for (int i = 0; i < X.length; i++) {
            double ss = 0, dot = 0;
            for (int k = 0; k < X[i].length; k++) {
                ss += X[i][k] * X[i][k];
                dot += u[i][k] * du[i][k];
            }
            double den = Math.max(Math.sqrt(ss), EPS);
            for (int k = 0; k < X[i].length; k++) out[i][k] = (du[i][k] - u[i][k] * dot) / den;
        }
        return out;
    }

    // ------------------------------------------------------------------ section 4, brute force

    /** Groups: member lists in index order, groups ordered by first index. */
    static List<List<Integer>> groups(long[] labels) {
        TreeMap<Integer, List<Integer>> byFirst = new TreeMap<>();
        boolean[] seen = new boolean[labels.length];
        for (int i = 0; i < labels.length; i++) {
            if (seen[i]) continue;
            List<Integer> g = new ArrayList<>();
            for (int j = i; j < labels.length; j++)
                if (labels[j] == labels[i]) {
                    g.add(j);
                    seen[j] = true;
                }
            byFirst.put(i, g);
        }
        return new ArrayList<>(byFirst.values());
    }

    /** {hard_neg_text, hard_neg_image, weak_pos_text}. */
    static int[][] mine(double[][] S, long[] labels, boolean sample, long seed) {
        int n = labels.length;
        int[] negText = new int[n], negImage = new int[n], weak = new int[n];
        for (List<Integer> g : groups(labels)) {
            int k = g.size(), first = g.get(0);
            List<Integer> outside = new ArrayList<>();
            for (int j = 0; j < n; j++) if (labels[j] != labels[first]) outside.add(j);
            double[] keyText = new double[n], keyImage = new double[n];
            for (int x : outside) {
                double mt = Double.NEGATIVE_INFINITY, mi = Double.NEGATIVE_INFINITY;
                for (int m : g) {
                    mt = Math.max(mt, S[m][x]); // text x against the group's images
                    mi = Math.max(mi, S[x][m]); // image x against the group's texts
                }
                keyText[x] = mt;
                keyImage[x] = mi;
                if (sample) {
                    keyText[x] += -Math.log(-Math.log(uniform(seed, 1, first, x)));
                    keyImage[x] += -Math.log(-Math.log(uniform(seed, 2, first, x)));
                }
            }
            List<Integer> poolT = new ArrayList<>(outside), poolI = new ArrayList<>(outside);
            poolT.sort(Comparator.<Integer>comparingDouble(x -> -keyText[x]).thenComparingInt(x -> x));
            poolI.sort(Comparator.<Integer>comparingDouble(x -> -keyImage[x]).thenComparingInt(x -> x));
            for (int r = 0; r < k; r++) {
                int m = g.get(r);
                negText[m] = poolT.isEmpty() ? -1 : poolT.get(r % poolT.size());
                negImage[m] = poolI.isEmpty() ? -1 : poolI.get(r % poolI.size());
                if (k < 2) {
                    weak[m] = -1;
                } else if (sample) {
                    List<Integer> others = new ArrayList<>(g);
                    others.remove(Integer.valueOf(m));
                    int pick = (int) Math.floor(uniform(seed, 3, m, 0) * (k - 1));
                    weak[m] = others.get(Math.min(pick, k - 2));
                } else {
                    // lowest c_i2t[m][j] over the group (softmax of row m over the group), ties: lower j
                    double mx = Double.NEGATIVE_INFINITY, z = 0;
                    for (int j : g) mx = Math.max(mx, S[m][j]);
                    for (int j : g) z += Math.exp(S[m][j] - mx);
                    int best = -1;
                    double bestC = Double.POSITIVE_INFINITY;
                    for (int j : g) {
                        if (j == m) continue;
                        double c = Math.exp(S[m][j] - mx) / z;
                        if (c < bestC) {
                            bestC = c;
                            best = j;
                        }
                    }
                    weak[m] = best;
                }
            }
        }
        return new int[][] {negText, negImage, weak};
    }

    /** The sample-mode uniform, from its definition in native/include/wp/mining.h. */
    static double uniform(long seed, long stream, long a, long b) {
        final long golden = 0x9E3779B97F4A7C15L;
        long h = mix(mix(mix(seed + golden * stream) + golden * a) + golden * b);
        return ((h >>> 11) + 0.5) / (double) (1L << 53);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

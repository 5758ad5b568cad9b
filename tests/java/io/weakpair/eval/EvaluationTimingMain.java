package io.weakpair.eval;

import java.util.Random;

/**
 * Prints how long evaluation and re-ranking take at CUHK-PEDES test size (6,156 captions x
 * 3,074 images, rounded to 6000 x 3000 by default). Information only, not a test:
 * {@code java -cp target/classes:target/test-classes:FASTUTIL io.weakpair.eval.EvaluationTimingMain [Q G K]}.
 */
public final class EvaluationTimingMain {
    private EvaluationTimingMain() {}

    public static void main(String[] args) {
        int queries = args.length > 0 ? Integer.parseInt(args[0]) : 6000;
        int gallery = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        int topK = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        Random rnd = new Random(1);
        float[] sim = new float[queries * gallery];
        for (int i = 0; i < sim.length; i++) sim[i] = rnd.nextFloat();
        int[] galleryLabels = new int[gallery];
        for (int g = 0; g < gallery; g++) galleryLabels[g] = g / 3; // 3 images per identity, as CUHK-PEDES
        int[] queryLabels = new int[queries];
        for (int q = 0; q < queries; q++) queryLabels[q] = galleryLabels[rnd.nextInt(gallery)];
        int k = Math.min(topK, gallery);
        float[][] match = new float[queries][k];
        for (float[] row : match) for (int i = 0; i < k; i++) row[i] = rnd.nextFloat();

        System.out.printf(
                "Q=%d G=%d topK=%d, %d threads in the common pool%n",
                queries, gallery, topK, java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() + 1);
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            RetrievalMetrics m = RetrievalEvaluator.evaluate(sim, queries, gallery, queryLabels, galleryLabels);
            long t1 = System.nanoTime();
            int[][] c = Reranker.candidates(sim, queries, gallery, topK);
            long t2 = System.nanoTime();
            int[][] byMatch = Reranker.byMatch(sim, queries, gallery, topK, match);
            long t3 = System.nanoTime();
            int[][] byCombination = Reranker.byCombination(sim, queries, gallery, topK, match);
            long t4 = System.nanoTime();
            RetrievalMetrics m2 = RetrievalEvaluator.evaluateRankings(byCombination, queryLabels, galleryLabels);
            long t5 = System.nanoTime();
            System.out.printf(
                    "round %d: evaluate %.0f ms, candidates %.0f ms, byMatch %.0f ms, byCombination %.0f ms, evaluateRankings %.0f ms"
                            + " (mAP %.2f / %.2f, %d %d)%n",
                    round,
                    ms(t0, t1),
                    ms(t1, t2),
                    ms(t2, t3),
                    ms(t3, t4),
                    ms(t4, t5),
                    100 * m.mAP(),
                    100 * m2.mAP(),
                    c.length,
                    byMatch.length);
        }
    }

    private static double ms(long from, long to) {
        return (to - from) / 1e6;
    }
}

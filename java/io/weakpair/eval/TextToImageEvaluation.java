package io.weakpair.eval;

import io.weakpair.data.BatchPlans;
import io.weakpair.data.DataRecord;
import io.weakpair.data.DatasetSplit;
import io.weakpair.data.Instance;
import io.weakpair.model.AlbefModel;
import io.weakpair.model.ImageEncoder;
import io.weakpair.model.Inference;
import io.weakpair.ops.F;
import io.weakpair.progress.ProgressBars;
import io.weakpair.progress.ProgressFactory;
import io.weakpair.progress.TaskProgress;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import io.weakpair.text.TextBatch;
import io.weakpair.text.Tokenization;
import io.weakpair.text.WordPieceTokenizer;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Text-to-image retrieval on a split (docs/data.md section 4): every caption queries every
 * image. The gallery is embedded once (eval mode, no gradients, in batches); the ranking by
 * ITC similarity, then the top {@code kTest} of each query re-scored by the ITM head (the
 * fusion encoder on the query's tokens and the candidate's image tokens), alone and combined
 * with the similarity.
 */
public final class TextToImageEvaluation {
    /** Metrics per ranking ("itc", "itm", "itc+itm"), and timing. */
    public record Result(
            Map<String, RetrievalMetrics> metrics,
            int queries,
            int gallery,
            double embedSeconds,
            double rerankSeconds,
            float[] similarity,
            int[][] rankings) {}

    private TextToImageEvaluation() {}

    /** Progress on {@code progress} (a bar on a terminal, else plain lines; null for none). */
    public static Result run(
            AlbefModel model,
            WordPieceTokenizer tokenizer,
            DatasetSplit split,
            int kTest,
            int batchSize,
            PrintStream progress) {
        return run(
                model,
                tokenizer,
                split,
                kTest,
                batchSize,
                progress == null ? ProgressFactory.SILENT : ProgressBars.on(progress));
    }

    /** Progress of each phase (embedding the gallery, the queries, re-ranking) through {@code progress}. */
    public static Result run(
            AlbefModel model,
            WordPieceTokenizer tokenizer,
            DatasetSplit split,
            int kTest,
            int batchSize,
            ProgressFactory progress) {
        if (split == null || split.isEmpty())
            throw new IllegalArgumentException("evaluation: the split holds no image");
        Device dev = model.device();
        int g = split.numImages();
        List<Instance> queries = BatchPlans.queries(split);
        int q = queries.size();
        int[] galleryLabels = new int[g], queryLabels = new int[q];
        List<DataRecord> records = split.records();
        for (int i = 0; i < g; i++) galleryLabels[i] = records.get(i).label();
        for (int i = 0; i < q; i++) queryLabels[i] = queries.get(i).record().label();
        int l = model.config().maxTokens();
        long t0 = System.nanoTime();
        try (Inference on = Inference.on(model);
                Scope outer = Scope.open()) {
            // Gallery: features [G, E] and, for re-ranking, every image's tokens [G, N, W_v].
            Tensor imageFeat = Tensor.empty(DType.F32, dev, g, model.config().embedDim());
            Tensor imageTokens = kTest > 0
                    ? Tensor.empty(
                            DType.F32,
                            dev,
                            g,
                            model.config().imageTokens(),
                            model.config().visionWidth())
                    : null;
            int[] done = {0};
            try (TaskProgress bar = progress.open("embedding the gallery", g, "images")) {
                new ImageEncoder(model).encodeAll(BatchPlans.gallery(split, batchSize), 2, 2, (b, encoded) -> {
                    copyRows(encoded.features(), imageFeat, done[0]);
                    if (imageTokens != null) copyRows(encoded.tokens(), imageTokens, done[0]);
                    done[0] += b.size();
                    bar.advance(b.size());
                });
            }
            // Queries: features [Q, E]; their tokens are kept on the host for re-ranking.
            Tensor textFeat = Tensor.empty(DType.F32, dev, q, model.config().embedDim());
            TextBatch allText = Tokenization.batch(tokenizer, captions(queries), l);
            try (TaskProgress bar = progress.open("embedding the queries", q, "captions")) {
                for (int start = 0; start < q; start += batchSize) {
                    int n = Math.min(batchSize, q - start);
                    try (Scope s = Scope.open()) {
                        int[] range = TextBatch.range(start, n);
                        Tensor ids = allText.idRows(range).to(dev),
                                mask = allText.maskRows(range).to(dev);
                        copyRows(model.textFeatures(ids, mask).features(), textFeat, start);
                    }
                    bar.advance(n);
                }
            }
            float[] sim = F.matmul(textFeat, F.transpose(imageFeat, 0, 1)).toFloatArray();
            double embedSeconds = (System.nanoTime() - t0) / 1e9;
            Map<String, RetrievalMetrics> metrics = new LinkedHashMap<>();
            metrics.put("itc", RetrievalEvaluator.evaluate(sim, q, g, queryLabels, galleryLabels));
            int[][] best = null;
            double rerankSeconds = 0;
            if (kTest > 0) {
                long t1 = System.nanoTime();
                float[][] match = matchScores(
                        model, allText, imageTokens, Reranker.candidates(sim, q, g, kTest), batchSize, progress);
                rerankSeconds = (System.nanoTime() - t1) / 1e9;
                metrics.put(
                        "itm",
                        RetrievalEvaluator.evaluateRankings(
                                Reranker.byMatch(sim, q, g, kTest, match), queryLabels, galleryLabels));
                best = Reranker.byCombination(sim, q, g, kTest, match);
                metrics.put("itc+itm", RetrievalEvaluator.evaluateRankings(best, queryLabels, galleryLabels));
            }
            return new Result(metrics, q, g, embedSeconds, rerankSeconds, sim, best);
        }
    }

    /** ITM match logit (match minus no-match) of every (query, candidate image) pair, fused in batches. */
    private static float[][] matchScores(
            AlbefModel model,
            TextBatch text,
            Tensor imageTokens,
            int[][] candidates,
            int batchSize,
            ProgressFactory progress) {
        int q = candidates.length, k = q == 0 ? 0 : candidates[0].length;
        float[][] out = new float[q][k];
        Device dev = model.device();
        int pairsPerBatch = Math.max(k, batchSize * 4 / k * k);
        int queriesPerBatch = Math.max(1, pairsPerBatch / Math.max(1, k));
        try (TaskProgress bar = progress.open("re-ranking the top " + k + " by ITM", q, "queries")) {
            for (int start = 0; start < q; start += queriesPerBatch) {
                int nq = Math.min(queriesPerBatch, q - start), pairs = nq * k;
                int[] img = new int[pairs], txt = new int[pairs];
                for (int i = 0; i < nq; i++)
                    for (int j = 0; j < k; j++) {
                        img[i * k + j] = candidates[start + i][j];
                        txt[i * k + j] = start + i;
                    }
                try (Scope s = Scope.open()) {
                    Tensor ids = text.idRows(txt).to(dev),
                            mask = text.maskRows(txt).to(dev);
                    Tensor images = AlbefModel.gatherRows(
                            imageTokens, Tensor.ofInts(img, pairs).to(dev));
                    float[] match = model.matchScores(ids, mask, images);
                    for (int p = 0; p < pairs; p++) out[start + p / k][p % k] = match[p];
                }
                bar.advance(nq);
            }
        }
        return out;
    }

    private static List<String> captions(List<Instance> queries) {
        List<String> out = new ArrayList<>(queries.size());
        for (Instance i : queries) out.add(i.captionText());
        return out;
    }

    /** Writes src [n, ...] into rows [at, at + n) of dst. */
    private static void copyRows(Tensor src, Tensor dst, int at) {
        try (Tensor view = F.slice(dst, 0, at, at + src.dim(0))) {
            dst.backend().copy(src.contiguous(), view);
        }
    }
}

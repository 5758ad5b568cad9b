package io.weakpair.search;

import io.weakpair.autograd.GradMode;
import io.weakpair.data.ImageFiles;
import io.weakpair.data.ImageTransform;
import io.weakpair.eval.Reranker;
import io.weakpair.model.AlbefModel;
import io.weakpair.model.Preprocessing;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import io.weakpair.text.TextBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Re-ranking of a query's first K hits with the ITM head, as the evaluation does
 * ({@link Reranker#byMatch}): each candidate image, read again from its indexed path, is
 * fused with the query's tokens; the K hits are reordered by match score (match minus
 * no-match logit), equal scores keeping the similarity order, and the hits after the K
 * first keep their place.
 */
final class MatchReranker {
    private MatchReranker() {}

    /** @param text the query's tokens, one row */
    static List<Hit> rerank(AlbefModel model, TextBatch text, List<Hit> hits, int topK) throws IOException {
        if (topK < 1) throw new IllegalArgumentException("re-rank: K must be at least 1, got " + topK);
        int m = hits.size(), k = Math.min(topK, m);
        if (k == 0) return hits;
        float[] match = matchScores(model, text, hits.subList(0, k));
        float[] similarity = new float[m];
        for (int i = 0; i < m; i++) similarity[i] = hits.get(i).score();
        int[] order = Reranker.byMatch(similarity, 1, m, k, new float[][] {match})[0];
        List<Hit> out = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            int j = order[i];
            out.add(j < k ? hits.get(j).withMatch(match[j]) : hits.get(j));
        }
        return out;
    }

    private static float[] matchScores(AlbefModel model, TextBatch text, List<Hit> candidates) throws IOException {
        int k = candidates.size();
        ImageTransform transform = Preprocessing.images(model.config());
        float[] pixels = new float[k * transform.floatsPerImage()];
        for (int i = 0; i < k; i++) {
            Hit h = candidates.get(i);
            Path file = Path.of(h.path());
            if (!Files.isRegularFile(file))
                throw new IllegalArgumentException("cannot re-rank: image " + h.imageId() + " has no image file ("
                        + h.path() + "); re-ranking needs an index built from images, not from --features");
            try {
                transform.apply(ImageFiles.read(file), false, pixels, i * transform.floatsPerImage());
            } catch (IOException | RuntimeException e) {
                throw new IOException(
                        "cannot re-rank: image " + h.imageId() + " (" + h.path() + ") does not read: " + e.getMessage(),
                        e);
            }
        }
        try (GradMode off = GradMode.off();
                Scope s = Scope.open()) {
            Tensor px = Tensor.of(pixels, k, 3, transform.height(), transform.width())
                    .to(model.device());
            Tensor imageTokens = model.encodeImages(px);
            int[] rows = new int[k]; // the query's one row, once per candidate
            Tensor ids = text.idRows(rows).to(model.device()),
                    mask = text.maskRows(rows).to(model.device());
            return model.matchScores(ids, mask, imageTokens);
        }
    }
}

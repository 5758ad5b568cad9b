package io.weakpair.search;

import io.weakpair.autograd.GradMode;
import io.weakpair.model.AlbefModel;
import io.weakpair.model.ModelCheckpoint;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import io.weakpair.text.TextBatch;
import io.weakpair.text.Tokenization;
import io.weakpair.text.WordPieceTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A checkpoint's text side for queries: a caption becomes the L2-normalised text feature
 * that is compared with the indexed image features, and the same tokens feed the ITM head
 * when re-ranking. Calls are serialised (one model, eval mode, no gradients), so a server
 * may share one encoder between request threads.
 */
public final class QueryEncoder implements AutoCloseable {
    private final AlbefModel model;
    private final WordPieceTokenizer tokenizer;

    QueryEncoder(AlbefModel model, WordPieceTokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
        model.eval();
    }

    /** Loads the model and the vocabulary beside the checkpoint (CK.vocab.txt). */
    public static QueryEncoder load(Path checkpoint, Device device) throws IOException {
        ModelCheckpoint.WithVocabulary loaded = ModelCheckpoint.loadWithVocabulary(checkpoint, device);
        return new QueryEncoder(loaded.model(), new WordPieceTokenizer(loaded.vocabulary()));
    }

    public AlbefModel model() {
        return model;
    }

    /** The caption's unit-length text feature [E]. */
    public synchronized float[] encode(String caption) {
        TextBatch text = tokens(caption);
        try (GradMode off = GradMode.off();
                Scope s = Scope.open()) {
            int[] row = {0};
            Tensor ids = text.idRows(row).to(model.device()),
                    mask = text.maskRows(row).to(model.device());
            return model.textFeatures(ids, mask).features().toFloatArray();
        }
    }

    /** Re-ranks the first {@code topK} hits by the ITM head ({@link MatchReranker}). */
    public synchronized List<Hit> rerank(String caption, List<Hit> hits, int topK) throws IOException {
        return MatchReranker.rerank(model, tokens(caption), hits, topK);
    }

    private TextBatch tokens(String caption) {
        if (caption == null || caption.isBlank()) throw new IllegalArgumentException("the query caption is empty");
        return Tokenization.batch(tokenizer, List.of(caption), model.config().maxTokens());
    }

    @Override
    public void close() {
        model.close();
    }
}

package io.weakpair.text;

import java.util.List;

/** Captions to the host-side token batch the text encoder takes (a training step, the evaluation, a search query). */
public final class Tokenization {
    private Tokenization() {}

    public static TextBatch batch(WordPieceTokenizer tokenizer, List<String> captions, int maxTokens) {
        Encoding enc = tokenizer.encode(captions, maxTokens);
        int rows = enc.rows(), l = enc.length();
        int[] ids = new int[rows * l], mask = new int[rows * l];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(enc.ids()[i], 0, ids, i * l, l);
            System.arraycopy(enc.attentionMask()[i], 0, mask, i * l, l);
        }
        var v = tokenizer.vocabulary();
        return new TextBatch(ids, mask, rows, l, v.padId(), v.clsId(), v.maskId(), v.size());
    }
}

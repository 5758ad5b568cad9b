package io.weakpair.train;

/**
 * Tokenized captions of a batch on the host: ids and attention mask [rows, length] row-major,
 * and the special ids that MLM needs.
 */
public record TextBatch(int[] ids, int[] mask, int rows, int length, int padId, int clsId, int maskId, int vocabSize) {
    public TextBatch {
        if (rows < 1 || length < 1 || ids.length != rows * length || mask.length != ids.length)
            throw new IllegalArgumentException("text batch: ids " + ids.length + " and mask " + mask.length + " values do not fill "
                    + rows + " x " + length);
    }
}

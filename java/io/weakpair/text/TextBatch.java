package io.weakpair.text;

import io.weakpair.tensor.Tensor;

/**
 * Tokenized captions of a batch on the host: ids and attention mask [rows, length] row-major,
 * and the special ids that MLM needs.
 */
public record TextBatch(int[] ids, int[] mask, int rows, int length, int padId, int clsId, int maskId, int vocabSize) {
    public TextBatch {
        if (rows < 1 || length < 1 || ids.length != rows * length || mask.length != ids.length)
            throw new IllegalArgumentException("text batch: ids " + ids.length + " and mask " + mask.length
                    + " values do not fill " + rows + " x " + length);
    }

    /** The ids of the given rows (any order, repeats allowed) as an I32 [rows.length, length] CPU tensor. */
    public Tensor idRows(int[] rows) {
        return pick(ids, rows);
    }

    /** The attention mask of the given rows, likewise. */
    public Tensor maskRows(int[] rows) {
        return pick(mask, rows);
    }

    /** Rows start .. start + n - 1. */
    public static int[] range(int start, int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = start + i;
        return r;
    }

    private Tensor pick(int[] data, int[] rowIndex) {
        int[] out = new int[rowIndex.length * length];
        for (int i = 0; i < rowIndex.length; i++) {
            if (rowIndex[i] < 0 || rowIndex[i] >= rows)
                throw new IllegalArgumentException("text batch: row " + rowIndex[i] + " is outside [0, " + rows + ")");
            System.arraycopy(data, rowIndex[i] * length, out, i * length, length);
        }
        return Tensor.ofInts(out, rowIndex.length, length);
    }
}

package io.weakpair.text;

/**
 * Token ids and attention mask of a batch of texts, both {@code [rows][length]}: each row is
 * {@code [CLS] pieces... [SEP]} followed by {@code [PAD]}, with mask 1 on tokens and 0 on padding.
 * The arrays are shared, not copied (they are made to be handed to a tensor), so callers must
 * not modify them.
 *
 * @param ids           token ids, {@code [rows][length]}
 * @param attentionMask 1 for a token, 0 for padding, same shape as {@code ids}
 */
public record Encoding(int[][] ids, int[][] attentionMask) {
    /** Checks that both arrays are rectangular, of the same shape, with at least one row. */
    public Encoding {
        if (ids == null || attentionMask == null)
            throw new IllegalArgumentException("Encoding: ids and attentionMask must not be null");
        if (ids.length == 0) throw new IllegalArgumentException("Encoding: needs at least one row");
        if (attentionMask.length != ids.length) {
            throw new IllegalArgumentException(
                    "Encoding: ids has " + ids.length + " rows but attentionMask " + attentionMask.length);
        }
        int length = ids[0] == null ? -1 : ids[0].length;
        for (int r = 0; r < ids.length; r++) {
            if (ids[r] == null
                    || attentionMask[r] == null
                    || ids[r].length != length
                    || attentionMask[r].length != length) {
                throw new IllegalArgumentException("Encoding: row " + r + " is null or not of length " + length);
            }
        }
    }

    /** The number of texts. */
    public int rows() {
        return ids.length;
    }

    /** The length of every row (maxLen). */
    public int length() {
        return ids[0].length;
    }
}

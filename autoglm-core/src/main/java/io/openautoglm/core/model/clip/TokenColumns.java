package io.openautoglm.core.model.clip;

/**
 * Trimming padded token ids, row-major (B, T), to the columns a batch really uses. The text tower
 * is causal and every consumer reads a row up to its end token (pooling, fusion with a padding
 * mask, the caption loss), so the columns after the longest row's end token never change an
 * answer; dropping them saves the compute of a mostly-padding context (short queries use a third
 * of a 32-token one).
 */
public final class TokenColumns {
    /** The longest row's length up to and including its first end token (all T for a row without one). (B, T) -> L <= T */
    public static int usedLength(long[] ids, int rows, int t, long eosId) {
        int longest = 1;
        for (int i = 0; i < rows; i++) {
            int end = t;
            for (int p = 0; p < t; p++) {
                if (ids[i * t + p] == eosId) {
                    end = p + 1;
                    break;
                }
            }
            longest = Math.max(longest, end);
        }
        return longest;
    }

    /** The first {@code l} columns of a row-major (B, T) matrix; the same array when {@code l == t}. */
    public static long[] firstColumns(long[] ids, int rows, int t, int l) {
        if (l == t) {
            return ids;
        }
        long[] out = new long[rows * l];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(ids, i * t, out, i * l, l);
        }
        return out;
    }

    private TokenColumns() {}
}

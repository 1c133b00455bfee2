package io.openautoglm.core;

/** The indices of the largest scores, without sorting them all (a vocabulary, a gallery). */
public final class TopK {
    /** The {@code n} largest of {@code scores}, best first. */
    public static int[] indices(float[] scores, int n) {
        return indices(scores, 0, scores.length, n);
    }

    /**
     * The {@code n} largest of the {@code length} scores from {@code offset} (one row of a
     * row-major matrix), as indices within that row, best first; ties keep the lower index first.
     * One pass with a small sorted buffer: O(length x n) at worst, for the small n of beams and
     * re-ranking windows.
     */
    public static int[] indices(float[] scores, int offset, int length, int n) {
        int keep = Math.max(0, Math.min(n, length));
        int[] best = new int[keep];
        int size = 0;
        for (int v = 0; v < length && keep > 0; v++) {
            float s = scores[offset + v];
            if (size == keep && !(s > scores[offset + best[size - 1]])) {
                continue;
            }
            int at = size == keep ? size - 1 : size++;
            while (at > 0 && s > scores[offset + best[at - 1]]) {
                best[at] = best[at - 1];
                at--;
            }
            best[at] = v;
        }
        return best;
    }

    private TopK() {}
}

package io.openautoglm.core.model.clip;

import io.openautoglm.core.UserInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A text longer than the context, split into overlapping windows and pooled back into one vector.
 * Each window holds C = T - 2 word tokens between its own start and end tokens; windows advance by
 * a stride of C - C / 4 tokens (a quarter of each window is shared with the next, so no phrase is
 * only ever seen cut at a window edge), and the last window is aligned to the text's end so it is
 * full too. Pooling: the mean of the L2-normalized window embeddings. Every window is a full
 * context, so equal weights are the token-count weights; normalizing first keeps one window whose
 * projection happens to be long from outweighing the others, as cosine is what callers compare.
 */
public final class TextWindows {
    /** Word tokens shared by neighbouring windows, for a context of {@code t}: a quarter of a window. */
    public static int overlap(int t) {
        return (t - 2) / 4;
    }

    /** How far each window starts after the previous one, in word tokens. */
    public static int stride(int t) {
        return (t - 2) - overlap(t);
    }

    /** Windows a text of {@code tokens} ids (start and end included) needs in a context of {@code t}. */
    public static int count(int tokens, int t) {
        int words = tokens - 2;
        int c = t - 2;
        if (tokens <= t) {
            return 1;
        }
        return 1 + (words - c + stride(t) - 1) / stride(t); // starts 0, s, 2s, ..., then one aligned to the end
    }

    /**
     * The windows of one tokenized text, each exactly {@code t} ids: start, up to T - 2 words, end,
     * padding. {@code raw} is the tokenizer's output with its start and end tokens. A text that fits
     * gives one window (padded), identical to the truncating encoder's row.
     */
    public static List<long[]> split(long[] raw, int t, long padId) {
        if (raw.length <= t) {
            long[] row = new long[t];
            Arrays.fill(row, padId);
            System.arraycopy(raw, 0, row, 0, raw.length);
            return List.of(row);
        }
        long sot = raw[0];
        long eot = raw[raw.length - 1];
        int words = raw.length - 2;
        int c = t - 2;
        int windows = count(raw.length, t);
        List<long[]> out = new ArrayList<>(windows);
        for (int w = 0; w < windows; w++) {
            int from = w == windows - 1 ? words - c : w * stride(t); // the last one ends with the text
            long[] row = new long[t];
            row[0] = sot;
            System.arraycopy(raw, 1 + from, row, 1, c);
            row[t - 1] = eot;
            out.add(row);
        }
        return out;
    }

    /** One clear error when a text needs more windows than allowed. */
    public static void checkLimit(int textIndex, int tokens, int t, int maxWindows) {
        int windows = count(tokens, t);
        if (windows > maxWindows) {
            throw new UserInputException("text " + textIndex + " has " + tokens + " tokens, " + windows + " windows of "
                    + t + "; the limit is " + maxWindows + " windows (raise --max-windows, or --truncate to keep its first "
                    + t + " tokens)");
        }
    }

    /**
     * Pools window embeddings (W, P) into one (P): the mean of the unit window vectors, normalized
     * again when {@code normalize}; otherwise that mean direction at the windows' mean length, so that
     * normalizing the raw answer gives the normalized one. One window is returned as it is.
     */
    public static float[] pool(float[][] windows, boolean normalize) {
        if (windows.length == 1) {
            return windows[0];
        }
        int p = windows[0].length;
        double[] sum = new double[p];
        double meanLength = 0;
        for (float[] w : windows) {
            double length = norm(w);
            meanLength += length / windows.length;
            for (int k = 0; k < p; k++) {
                sum[k] += w[k] / Math.max(length, 1e-12);
            }
        }
        double sumLength = 0;
        for (double v : sum) {
            sumLength += v * v;
        }
        double scale = (normalize ? 1.0 : meanLength) / Math.max(Math.sqrt(sumLength), 1e-12);
        float[] out = new float[p];
        for (int k = 0; k < p; k++) {
            out[k] = (float) (sum[k] * scale);
        }
        return out;
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float f : v) {
            s += (double) f * f;
        }
        return Math.sqrt(s);
    }

    private TextWindows() {}
}

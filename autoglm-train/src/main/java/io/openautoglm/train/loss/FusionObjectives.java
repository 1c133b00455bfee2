package io.openautoglm.train.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.openautoglm.core.nn.ParamBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The fusion heads' training objectives (ALBEF/BLIP): image–text matching on hard negatives mined
 * from the batch's contrastive similarities, soft-target answer classification (VQA v2 style),
 * and the caption decoder's next-token cross-entropy.
 */
public final class FusionObjectives {
    private FusionObjectives() {}

    /**
     * For each picture a false caption, and for each caption a false picture, drawn with
     * probability softmax(similarity) over the non-matches, so that the closest impostors are
     * the likeliest (ALBEF's in-batch hard negative mining).
     *
     * @param similarity (B, B) row-major: picture i against caption j
     * @param positives (B, B) row-major: above 0 where caption j truly describes picture i
     * @return {negative caption per picture, negative picture per caption}; -1 where every column is a match
     */
    public static int[][] mineNegatives(float[] similarity, float[] positives, int b, float scale, SplittableRandom random) {
        int[] captionForImage = new int[b];
        int[] imageForCaption = new int[b];
        for (int i = 0; i < b; i++) {
            int row = i;
            captionForImage[i] = draw(b, j -> positives[row * b + j] > 0, j -> similarity[row * b + j] * scale, random);
            imageForCaption[i] = draw(b, j -> positives[j * b + row] > 0, j -> similarity[j * b + row] * scale, random);
        }
        return new int[][] {captionForImage, imageForCaption};
    }

    private static int draw(int n, java.util.function.IntPredicate excluded, java.util.function.IntToDoubleFunction logit,
            SplittableRandom random) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            if (!excluded.test(j)) {
                max = Math.max(max, logit.applyAsDouble(j));
            }
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return -1;
        }
        double[] w = new double[n];
        double total = 0;
        for (int j = 0; j < n; j++) {
            w[j] = excluded.test(j) ? 0 : Math.exp(logit.applyAsDouble(j) - max);
            total += w[j];
        }
        double u = random.nextDouble() * total;
        for (int j = 0; j < n; j++) {
            u -= w[j];
            if (u < 0 && w[j] > 0) {
                return j;
            }
        }
        for (int j = n - 1; j >= 0; j--) {
            if (w[j] > 0) {
                return j;
            }
        }
        return -1;
    }

    /**
     * Cross-entropy of the matching head.
     *
     * @param logits (P, 2) [no match, match]
     * @param matches which of the P pairs are true
     * @return () the mean over pairs
     */
    public static NDArray matching(NDArray logits, boolean[] matches) {
        float[] oneHot = new float[matches.length * 2];
        for (int i = 0; i < matches.length; i++) {
            oneHot[i * 2 + (matches[i] ? 1 : 0)] = 1f;
        }
        NDArray targets = logits.getManager().create(oneHot, new Shape(matches.length, 2)); // (P, 2)
        return targets.mul(logits.logSoftmax(-1)).sum().neg().mul(ParamBlock.constant(logits, 1f / matches.length)); // ()
    }

    /**
     * Soft-target cross-entropy of the answer head over the rows that have a target.
     *
     * @param logits (B, A)
     * @param targets (B, A) row-major, each row summing to 1 or all zeros (no question)
     * @return () the mean over answered rows (0 when there are none)
     */
    public static NDArray answers(NDArray logits, float[] targets) {
        long b = logits.getShape().get(0);
        long a = logits.getShape().get(1);
        int answered = 0;
        for (int i = 0; i < b; i++) {
            float sum = 0;
            for (int j = 0; j < a; j++) {
                sum += targets[(int) (i * a + j)];
            }
            answered += sum > 0 ? 1 : 0;
        }
        NDArray t = logits.getManager().create(targets, new Shape(b, a)); // (B, A)
        return t.mul(logits.logSoftmax(-1)).sum().neg().mul(ParamBlock.constant(logits, 1f / Math.max(1, answered))); // ()
    }

    /**
     * Next-token cross-entropy of the caption decoder, padding excluded.
     *
     * @param logits (B, L, V): position p predicts token p + 1 of {@code ids}
     * @param ids (B, L + 1) row-major token ids, start token first
     * @return () the mean over predicted (non-padding) tokens
     */
    public static NDArray captions(NDArray logits, long[] ids, long padId) {
        int b = (int) logits.getShape().get(0);
        int l = (int) logits.getShape().get(1);
        int v = (int) logits.getShape().get(2);
        List<Long> picked = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            for (int p = 0; p < l; p++) {
                long target = ids[i * (l + 1) + p + 1];
                if (target != padId) {
                    picked.add(((long) i * l + p) * v + target);
                }
            }
        }
        NDManager m = logits.getManager();
        NDArray index = m.create(picked.stream().mapToLong(Long::longValue).toArray()); // (K)
        NDArray logProbs = logits.logSoftmax(-1).reshape(-1).get(index); // (K)
        return logProbs.mean().neg(); // ()
    }

    /**
     * Attention grounding: at each token that names one object, the negative log of the
     * cross-attention weight (averaged over heads) that falls on the picture grid cells the object
     * covers: the cells whose centre lies within its radius, and the cell of its centre.
     *
     * @param attention (R, L, M) weights over the image tokens, the class token first, then a G x G
     *     grid row by row; L the columns in use
     * @param targets (R, T, 4) row-major, T >= L: 1 on a naming token, then its object's x, y and radius
     *     as fractions of the picture; zeros elsewhere
     * @return () the mean over naming tokens (0 when there are none)
     */
    public static NDArray grounding(NDArray attention, float[] targets, int contextLength) {
        int r = (int) attention.getShape().get(0);
        int l = (int) attention.getShape().get(1);
        int m = (int) attention.getShape().get(2);
        int grid = (int) Math.round(Math.sqrt(m - 1));
        if (grid * grid + 1 != m) {
            throw new IllegalArgumentException("grounding needs a class token and a square grid of picture tokens, got " + m);
        }
        float[] cells = new float[r * l * m];
        float[] mask = new float[r * l];
        int named = 0;
        for (int i = 0; i < r; i++) {
            for (int p = 0; p < l; p++) {
                int from = (i * contextLength + p) * 4;
                if (targets[from] == 0) {
                    continue;
                }
                mask[i * l + p] = 1f;
                named++;
                double x = targets[from + 1];
                double y = targets[from + 2];
                double radius = targets[from + 3];
                int at = (i * l + p) * m;
                int centreRow = Math.min(grid - 1, (int) (y * grid));
                int centreColumn = Math.min(grid - 1, (int) (x * grid));
                for (int row = 0; row < grid; row++) {
                    for (int column = 0; column < grid; column++) {
                        double dx = (column + 0.5) / grid - x;
                        double dy = (row + 0.5) / grid - y;
                        boolean covered = dx * dx + dy * dy <= radius * radius || (row == centreRow && column == centreColumn);
                        cells[at + 1 + row * grid + column] = covered ? 1f : 0f;
                    }
                }
            }
        }
        NDManager manager = attention.getManager();
        NDArray covered = manager.create(cells, new Shape(r, l, m)); // (R, L, M)
        NDArray weight = manager.create(mask, new Shape(r, l)); // (R, L)
        NDArray onObject = attention.mul(covered).sum(new int[] {2}).add(ParamBlock.constant(attention, 1e-6f)); // (R, L)
        return onObject.log().mul(weight).sum().neg().mul(ParamBlock.constant(attention, 1f / Math.max(1, named))); // ()
    }
}

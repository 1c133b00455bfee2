package io.openautoglm.train.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import io.openautoglm.core.model.clip.ClipModel;
import io.openautoglm.core.nn.ParamBlock;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Triplet loss on cosine similarities with negatives mined online from the batch, in both
 * directions: each picture (anchor) against its own caption and one false caption, and each
 * caption against its own picture and one false picture; {@code max(0, margin + s(a, n) - s(a, p))}
 * averaged over the anchors that have a negative. A batch item whose caption (or positive key)
 * equals the anchor's is never a negative. Mining looks at the similarities' values only; the
 * gradient flows through the two similarities of each chosen triplet.
 */
public final class TripletLoss {
    private TripletLoss() {}

    /** The negative chosen for each anchor: {@code -1} where the anchor has none. */
    public record Mined(int[] imageAnchors, int[] textAnchors) {}

    /**
     * @param imageEmbeds (B, P), not normalized
     * @param textEmbeds (B + N, P), not normalized: the batch's captions, then N hard negatives
     * @param imageToText (B, B + N) row-major, above 0 where caption c is a match of picture i
     * @param textToImage (B, B) row-major, above 0 where picture j is a match of caption i
     * @param mining {@code hardest}, {@code semi-hard} or {@code random}
     * @return () the mean hinge over both directions' anchors (0 when no anchor has a negative)
     */
    public static NDArray loss(NDArray imageEmbeds, NDArray textEmbeds, float[] imageToText, float[] textToImage, double margin,
            String mining, SplittableRandom random) {
        int b = (int) imageEmbeds.getShape().get(0);
        int texts = (int) textEmbeds.getShape().get(0);
        NDArray similarity = ClipModel.l2Normalize(imageEmbeds).matMul(ClipModel.l2Normalize(textEmbeds).transpose()); // (B, B + N)
        Mined mined = mine(similarity.toFloatArray(), b, texts, imageToText, textToImage, margin, mining, random);
        long[] positives = new long[2 * b];
        long[] negatives = new long[2 * b];
        int count = 0;
        for (int i = 0; i < b; i++) {
            if (mined.imageAnchors()[i] >= 0) {
                positives[count] = (long) i * texts + i;
                negatives[count++] = (long) i * texts + mined.imageAnchors()[i];
            }
        }
        for (int j = 0; j < b; j++) {
            if (mined.textAnchors()[j] >= 0) { // caption j against picture r: entry (r, j) of the matrix
                positives[count] = (long) j * texts + j;
                negatives[count++] = (long) mined.textAnchors()[j] * texts + j;
            }
        }
        if (count == 0) {
            return similarity.sum().mul(ParamBlock.constant(similarity, 0f)); // () no triplet: zero, still part of the graph
        }
        NDManager manager = similarity.getManager();
        NDArray flat = similarity.reshape(-1); // (B * (B + N))
        NDArray positive = flat.get(manager.create(Arrays.copyOf(positives, count))); // (Q)
        NDArray negative = flat.get(manager.create(Arrays.copyOf(negatives, count))); // (Q)
        NDArray hinge = Activation.relu(negative.sub(positive).add(ParamBlock.constant(flat, (float) margin))); // (Q)
        return hinge.mean(); // ()
    }

    /**
     * Chooses the negatives from the similarity values.
     *
     * @param similarity (B, B + N) row-major cosine similarities of pictures to captions
     */
    public static Mined mine(float[] similarity, int b, int texts, float[] imageToText, float[] textToImage, double margin,
            String mining, SplittableRandom random) {
        int[] forImages = new int[b];
        int[] forTexts = new int[b];
        float[] candidates = new float[Math.max(texts, b)];
        boolean[] negative = new boolean[candidates.length];
        for (int i = 0; i < b; i++) {
            for (int c = 0; c < texts; c++) {
                candidates[c] = similarity[i * texts + c];
                negative[c] = imageToText[i * texts + c] <= 0;
            }
            forImages[i] = choose(candidates, negative, texts, similarity[i * texts + i], margin, mining, random);
        }
        for (int j = 0; j < b; j++) {
            for (int r = 0; r < b; r++) {
                candidates[r] = similarity[r * texts + j];
                negative[r] = textToImage[j * b + r] <= 0;
            }
            forTexts[j] = choose(candidates, negative, b, similarity[j * texts + j], margin, mining, random);
        }
        return new Mined(forImages, forTexts);
    }

    /**
     * One anchor's negative among the first {@code n} candidates. {@code hardest}: the most
     * similar. {@code semi-hard} (FaceNet): the most similar of those less similar than the
     * positive but within the margin of it; when there is none, the most similar of those below
     * the positive (its hinge is then 0, which is what semi-hard mining means: no hard negatives),
     * and when every negative beats the positive, the least similar of them. {@code random}: any.
     */
    static int choose(float[] similarity, boolean[] negative, int n, float positive, double margin, String mining,
            SplittableRandom random) {
        int draw = random.nextInt(Math.max(1, n)); // drawn for every anchor, so the stream does not depend on the batch
        int count = 0;
        for (int c = 0; c < n; c++) {
            count += negative[c] ? 1 : 0;
        }
        if (count == 0) {
            return -1;
        }
        switch (mining) {
            case "hardest" -> {
                return argMax(similarity, negative, n, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);
            }
            case "random" -> {
                int k = draw % count;
                for (int c = 0; c < n; c++) {
                    if (negative[c] && k-- == 0) {
                        return c;
                    }
                }
                throw new IllegalStateException("unreachable");
            }
            case "semi-hard" -> {
                int semiHard = argMax(similarity, negative, n, positive, (float) (positive - margin));
                if (semiHard >= 0) {
                    return semiHard;
                }
                int below = argMax(similarity, negative, n, positive, Float.NEGATIVE_INFINITY);
                if (below >= 0) {
                    return below;
                }
                int least = -1;
                for (int c = 0; c < n; c++) {
                    if (negative[c] && (least < 0 || similarity[c] < similarity[least])) {
                        least = c;
                    }
                }
                return least;
            }
            default -> throw new IllegalArgumentException("unknown mining " + mining);
        }
    }

    /** The most similar negative with similarity in (low, high), or -1. */
    private static int argMax(float[] similarity, boolean[] negative, int n, float high, float low) {
        int best = -1;
        for (int c = 0; c < n; c++) {
            if (negative[c] && similarity[c] < high && similarity[c] > low && (best < 0 || similarity[c] > similarity[best])) {
                best = c;
            }
        }
        return best;
    }
}

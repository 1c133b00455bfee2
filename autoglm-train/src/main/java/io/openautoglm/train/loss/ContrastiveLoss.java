package io.openautoglm.train.loss;

import ai.djl.ndarray.NDArray;
import io.openautoglm.core.model.clip.ClipModel;
import io.openautoglm.core.nn.ParamBlock;

/**
 * Symmetric InfoNCE with a learned temperature and multi-positive targets: a batch that holds the
 * same caption (or label) more than once treats every such pair as a match, so true matches are
 * never pushed apart as negatives.
 */
public final class ContrastiveLoss {
    private ContrastiveLoss() {}

    /**
     * @param imageEmbeds (B, P), not normalized
     * @param textEmbeds (B, P), not normalized
     * @param logitFactor () exp(logit_scale), the inverse temperature
     * @param targets (B, B) symmetric, rows summing to 1: target[i][j] = 1/|positives of i| if j is one
     * @return () the mean of the image-to-text and text-to-image cross-entropies
     */
    public static NDArray multiPositive(NDArray imageEmbeds, NDArray textEmbeds, NDArray logitFactor, NDArray targets) {
        NDArray logits = ClipModel.l2Normalize(imageEmbeds)
                .matMul(ClipModel.l2Normalize(textEmbeds).transpose())
                .mul(logitFactor); // (B, B)
        NDArray imageToText = targets.mul(logits.logSoftmax(1)).sum(new int[] {1}).mean().neg(); // ()
        NDArray textToImage = targets.mul(logits.transpose().logSoftmax(1)).sum(new int[] {1}).mean().neg(); // ()
        return imageToText.add(textToImage).mul(ParamBlock.constant(logits, 0.5f)); // ()
    }

    /**
     * Row-normalized positive matrix from per-example keys: i and j match when their keys are equal.
     *
     * @return (B * B) row-major
     */
    public static float[] targets(String[] keys) {
        int b = keys.length;
        float[] t = new float[b * b];
        for (int i = 0; i < b; i++) {
            int count = 0;
            for (int j = 0; j < b; j++) {
                if (keys[i].equals(keys[j])) {
                    count++;
                }
            }
            for (int j = 0; j < b; j++) {
                if (keys[i].equals(keys[j])) {
                    t[i * b + j] = 1f / count;
                }
            }
        }
        return t;
    }
}

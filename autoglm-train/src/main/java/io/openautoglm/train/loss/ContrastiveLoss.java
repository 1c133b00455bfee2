package io.openautoglm.train.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import io.openautoglm.core.model.clip.ClipModel;
import io.openautoglm.core.nn.ParamBlock;

/**
 * Symmetric InfoNCE with a learned temperature and multi-positive targets: a batch that holds the
 * same caption (or label) more than once treats every such pair as a match, so true matches are
 * never pushed apart as negatives. Extra hard-negative captions (NegCLIP style) may follow the
 * batch's own captions: they join the image-to-text softmax only, since no image in the batch is
 * theirs.
 */
public final class ContrastiveLoss {
    private ContrastiveLoss() {}

    /** {@link #multiPositive(NDArray, NDArray, NDArray, NDArray, NDArray)} without extra negatives. */
    public static NDArray multiPositive(NDArray imageEmbeds, NDArray textEmbeds, NDArray logitFactor, NDArray targets) {
        return multiPositive(imageEmbeds, textEmbeds, logitFactor, targets, targets);
    }

    /**
     * @param imageEmbeds (B, P), not normalized
     * @param textEmbeds (B + N, P), not normalized: the batch's captions, then N hard negatives
     * @param logitFactor () exp(logit_scale), the inverse temperature
     * @param imageToText (B, B + N) rows summing to 1 over each image's positive captions
     * @param textToImage (B, B) rows summing to 1 over each caption's positive images
     * @return () the mean of the image-to-text and text-to-image cross-entropies
     */
    public static NDArray multiPositive(NDArray imageEmbeds, NDArray textEmbeds, NDArray logitFactor, NDArray imageToText,
            NDArray textToImage) {
        long b = imageEmbeds.getShape().get(0);
        NDArray logits = ClipModel.l2Normalize(imageEmbeds)
                .matMul(ClipModel.l2Normalize(textEmbeds).transpose())
                .mul(logitFactor); // (B, B + N)
        NDArray ownCaptions = textEmbeds.getShape().get(0) == b ? logits : logits.get(new NDIndex(":, :{}", b)); // (B, B)
        NDArray imageLoss = imageToText.mul(logits.logSoftmax(1)).sum(new int[] {1}).mean().neg(); // ()
        NDArray textLoss = textToImage.mul(ownCaptions.transpose().logSoftmax(1)).sum(new int[] {1}).mean().neg(); // ()
        return imageLoss.add(textLoss).mul(ParamBlock.constant(logits, 0.5f)); // ()
    }

    /**
     * The same symmetric loss over similarities computed elsewhere (FILIP's token-wise ones, which
     * differ in the two directions), with the same targets as {@link #multiPositive}.
     *
     * @param imageToTextSimilarity (B, B + N) picture-to-text similarities
     * @param textToImageSimilarity (B, B) the batch's own captions (rows) against its pictures
     * @param logitFactor () exp(logit_scale)
     */
    public static NDArray fromSimilarities(NDArray imageToTextSimilarity, NDArray textToImageSimilarity, NDArray logitFactor,
            NDArray imageToText, NDArray textToImage) {
        NDArray imageLogits = imageToTextSimilarity.mul(logitFactor); // (B, B + N)
        NDArray textLogits = textToImageSimilarity.mul(logitFactor); // (B, B)
        NDArray imageLoss = imageToText.mul(imageLogits.logSoftmax(1)).sum(new int[] {1}).mean().neg(); // ()
        NDArray textLoss = textToImage.mul(textLogits.logSoftmax(1)).sum(new int[] {1}).mean().neg(); // ()
        return imageLoss.add(textLoss).mul(ParamBlock.constant(imageLogits, 0.5f)); // ()
    }

    /**
     * Row-normalized positive matrix from per-example keys: i and j match when their keys are equal.
     *
     * @return (B * B) row-major
     */
    public static float[] targets(String[] keys) {
        return targets(keys, keys);
    }

    /**
     * Row-normalized positive matrix between rows and columns: row i matches column j when their
     * keys are equal. Every row needs at least one match.
     *
     * @return (R * C) row-major
     */
    public static float[] targets(String[] rowKeys, String[] columnKeys) {
        int r = rowKeys.length;
        int c = columnKeys.length;
        float[] t = new float[r * c];
        for (int i = 0; i < r; i++) {
            int count = 0;
            for (int j = 0; j < c; j++) {
                if (rowKeys[i].equals(columnKeys[j])) {
                    count++;
                }
            }
            if (count == 0) {
                throw new IllegalArgumentException("row " + i + " (" + rowKeys[i] + ") matches no column");
            }
            for (int j = 0; j < c; j++) {
                if (rowKeys[i].equals(columnKeys[j])) {
                    t[i * c + j] = 1f / count;
                }
            }
        }
        return t;
    }
}

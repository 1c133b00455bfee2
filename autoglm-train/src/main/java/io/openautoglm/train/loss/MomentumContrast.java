package io.openautoglm.train.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.openautoglm.core.model.clip.ClipModel;
import io.openautoglm.core.nn.ParamBlock;

/**
 * The contrastive loss against momentum keys (MoCo, ALBEF): each picture's embedding is scored
 * against the momentum text keys of the batch and of the queue, each caption's against the
 * momentum image keys of the batch and of the queue, with the learned temperature. Targets are
 * multi-positive as in {@link ContrastiveLoss}: a queued key that shares the anchor's positive key
 * is a match too. With momentum distillation (ALBEF) the targets blend in the momentum encoder's
 * own softmax over the same keys: {@code alpha * soft + (1 - alpha) * hard}, so near-duplicates
 * in the batch or queue are not pushed away as hard as true negatives.
 */
public final class MomentumContrast {
    private MomentumContrast() {}

    /**
     * @param imageEmbeds (B, P) the student's, not normalized
     * @param textEmbeds (B, P) the student's own captions, not normalized
     * @param logitFactor () exp(logit_scale)
     * @param imageKeys (B, P) normalized momentum image keys of this batch
     * @param textKeys (B + N, P) normalized momentum text keys: the batch's captions, then its hard negatives
     * @param queuedImages (K, P) normalized, or null while the queue is empty
     * @param queuedTexts (K, P) normalized, or null
     * @param imageToText (B, B + N + K) row-normalized targets, the queue's columns last
     * @param textToImage (B, B + K) row-normalized targets
     * @param alpha weight of the momentum soft targets, 0 for none
     * @return () the mean of the two directions' cross-entropies
     */
    public static NDArray loss(NDArray imageEmbeds, NDArray textEmbeds, NDArray logitFactor, NDArray imageKeys, NDArray textKeys,
            NDArray queuedImages, NDArray queuedTexts, NDArray imageToText, NDArray textToImage, double alpha) {
        NDArray allTexts = queuedTexts == null ? textKeys : NDArrays.concat(new ai.djl.ndarray.NDList(textKeys, queuedTexts)); // (B + N + K, P)
        NDArray allImages = queuedImages == null ? imageKeys : NDArrays.concat(new ai.djl.ndarray.NDList(imageKeys, queuedImages)); // (B + K, P)
        NDArray i2t = ClipModel.l2Normalize(imageEmbeds).matMul(allTexts.transpose()).mul(logitFactor); // (B, B + N + K)
        NDArray t2i = ClipModel.l2Normalize(textEmbeds).matMul(allImages.transpose()).mul(logitFactor); // (B, B + K)
        NDArray i2tTargets = imageToText;
        NDArray t2iTargets = textToImage;
        if (alpha > 0) {
            NDArray factor = logitFactor.stopGradient(); // ()
            NDArray softI2t = imageKeys.matMul(allTexts.transpose()).mul(factor).softmax(1); // (B, B + N + K)
            NDArray softT2i = textKeys.get(":" + imageKeys.getShape().get(0)).matMul(allImages.transpose()).mul(factor).softmax(1); // (B, B + K)
            i2tTargets = blend(softI2t, imageToText, alpha); // (B, B + N + K)
            t2iTargets = blend(softT2i, textToImage, alpha); // (B, B + K)
        }
        NDArray imageLoss = i2tTargets.mul(i2t.logSoftmax(1)).sum(new int[] {1}).mean().neg(); // ()
        NDArray textLoss = t2iTargets.mul(t2i.logSoftmax(1)).sum(new int[] {1}).mean().neg(); // ()
        return imageLoss.add(textLoss).mul(ParamBlock.constant(i2t, 0.5f)); // ()
    }

    private static NDArray blend(NDArray soft, NDArray hard, double alpha) {
        return soft.mul(ParamBlock.constant(soft, (float) alpha)).add(hard.mul(ParamBlock.constant(hard, (float) (1 - alpha))));
    }

    /**
     * Row-normalized targets: the batch's positive matrix (entries above 0 are matches) widened by
     * the queue's columns, where a queued key matches a row with the same positive key.
     *
     * @param batchPositives (R, C) row-major
     * @return (R, C + K) row-major
     */
    public static float[] targets(float[] batchPositives, int rows, int columns, String[] rowKeys, String[] queuedKeys) {
        int k = queuedKeys.length;
        int width = columns + k;
        float[] t = new float[rows * width];
        for (int r = 0; r < rows; r++) {
            int count = 0;
            for (int c = 0; c < columns; c++) {
                if (batchPositives[r * columns + c] > 0) {
                    t[r * width + c] = 1;
                    count++;
                }
            }
            for (int q = 0; q < k; q++) {
                if (rowKeys[r].equals(queuedKeys[q])) {
                    t[r * width + columns + q] = 1;
                    count++;
                }
            }
            for (int c = 0; c < width; c++) {
                t[r * width + c] /= count; // every row matches at least its own column
            }
        }
        return t;
    }

    /** (rows, P) from a row-major array, in {@code manager}. */
    public static NDArray matrix(NDManager manager, float[] data, int dim) {
        return manager.create(data, new Shape(data.length / dim, dim)); // (K, P)
    }
}

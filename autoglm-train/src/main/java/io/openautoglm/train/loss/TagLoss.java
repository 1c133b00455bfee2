package io.openautoglm.train.loss;

import ai.djl.ndarray.NDArray;
import io.openautoglm.core.nn.ParamBlock;

/**
 * The image-tag head's objective: binary cross-entropy of each tag's logit against whether the
 * picture has it, averaged over pictures and tags (a multi-label loss: tags are not exclusive).
 */
public final class TagLoss {
    private TagLoss() {}

    /**
     * @param logits (B, K) the image-tag head's output
     * @param targets (B, K) row-major, 1 where the picture has the tag, else 0
     * @return () the mean binary cross-entropy
     */
    public static NDArray binaryCrossEntropy(NDArray logits, float[] targets) {
        NDArray y = logits.getManager().create(targets, logits.getShape()); // (B, K)
        NDArray zero = ParamBlock.constant(logits, 0f);
        NDArray one = ParamBlock.constant(logits, 1f);
        // softplus(x) - x y, with softplus(x) = max(x, 0) + log(1 + exp(-|x|)): no overflow for large |x|.
        NDArray softplus = logits.maximum(zero).add(logits.abs().neg().exp().add(one).log()); // (B, K)
        return softplus.sub(logits.mul(y)).mean(); // ()
    }
}

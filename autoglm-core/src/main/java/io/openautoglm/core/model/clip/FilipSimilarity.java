package io.openautoglm.core.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;

/**
 * FILIP's token-wise late interaction (Yao et al. 2021): with unit-length projected patch
 * embeddings p_k of a picture and token embeddings t_l of a text, the picture-to-text similarity
 * is the mean over patches of the best-matching token's p_k . t_l, and the text-to-picture
 * similarity the mean over tokens of the best-matching patch's. Which positions take part: every
 * patch (the class token is left out: it is the pooled summary, not a region), and each text's
 * tokens after its start token up to and including its first end-of-text token (the start token's
 * state is the same for every text in a causal tower; padding after the end token is masked out;
 * the end token stays, it carries the whole caption, so one-word captions still have a match).
 */
public final class FilipSimilarity {
    /** Added to masked-out token scores before a max: far below any cosine, finite so gradients stay finite. */
    private static final float MASKED = -1e4f;

    private FilipSimilarity() {}

    /**
     * Which token positions take part, as 1 and 0.
     *
     * @param ids (T, L) int64 token ids
     * @return (T, L) float32
     */
    public static NDArray tokenMask(NDArray ids, int bosId, int eosId) {
        long l = ids.getShape().get(1);
        NDArray isEos = ids.eq(eosId).toType(DataType.INT32, false); // (T, L)
        NDArray hasEos = isEos.sum(new int[] {1}).gt(0); // (T)
        // As the text tower's pooling: the first end-of-text token, or the highest id where there is none.
        NDArray end = NDArrays.where(hasEos, isEos.argMax(1), ids.argMax(1)).toType(DataType.INT64, false).reshape(-1, 1); // (T, 1)
        NDArray positions = ids.getManager().arange(0L, l, 1L).reshape(1, l); // (1, L)
        NDArray upToEnd = positions.lte(end); // (T, L)
        NDArray notStart = ids.neq(bosId); // (T, L)
        return upToEnd.logicalAnd(notStart).toType(DataType.FLOAT32, false); // (T, L)
    }

    /**
     * Both directions' similarities of every picture with every text.
     *
     * @param patches (B, N, P) unit-length patch embeddings
     * @param tokens (T, L, P) unit-length token embeddings
     * @param mask (T, L) from {@link #tokenMask}: 1 where a token takes part
     * @return picture-to-text (B, T) and text-to-picture (T, B) similarities, each in [-1, 1]
     */
    public static NDList similarities(NDArray patches, NDArray tokens, NDArray mask) {
        long b = patches.getShape().get(0);
        long n = patches.getShape().get(1);
        long p = patches.getShape().get(2);
        long t = tokens.getShape().get(0);
        long l = tokens.getShape().get(1);
        NDArray cosines = patches.reshape(b * n, p).matMul(tokens.reshape(t * l, p).transpose()).reshape(b, n, t, l); // (B, N, T, L)
        NDArray tokenMask = mask.reshape(1, 1, t, l); // (1, 1, T, L)
        NDArray penalty = tokenMask.sub(1f).mul(-MASKED); // (1, 1, T, L): 0 where a token counts, MASKED elsewhere
        NDArray bestToken = cosines.add(penalty).max(new int[] {3}); // (B, N, T)
        NDArray imageToText = bestToken.mean(new int[] {1}); // (B, T)
        NDArray bestPatch = cosines.max(new int[] {1}); // (B, T, L)
        NDArray counted = bestPatch.mul(mask.reshape(1, t, l)).sum(new int[] {2}); // (B, T)
        NDArray textToImage = counted.div(mask.sum(new int[] {1}).reshape(1, t)).transpose(); // (T, B)
        return new NDList(imageToText, textToImage);
    }
}

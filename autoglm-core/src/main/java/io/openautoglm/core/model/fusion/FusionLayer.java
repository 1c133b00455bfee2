package io.openautoglm.core.model.fusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.openautoglm.core.nn.Activation;
import io.openautoglm.core.nn.CrossAttention;
import io.openautoglm.core.nn.FeedForward;
import io.openautoglm.core.nn.Norm;
import io.openautoglm.core.nn.ParamBlock;
import io.openautoglm.core.nn.SelfAttention;

/**
 * Pre-norm block with cross-attention between self-attention and MLP:
 * x + self(ln1(x)), then x + cross(ln_cross(x), image), then x + mlp(ln2(x)).
 */
public final class FusionLayer extends ParamBlock {
    private final Norm norm1;
    private final SelfAttention selfAttention;
    private final Norm crossNorm;
    private final CrossAttention crossAttention;
    private final Norm norm2;
    private final FeedForward mlp;

    public FusionLayer(int width, int imageWidth, int heads, int mlpSize, Activation activation, float eps) {
        norm1 = child("layer_norm1", new Norm(width, eps));
        selfAttention = child("self_attn", new SelfAttention(width, heads));
        crossNorm = child("layer_norm_cross", new Norm(width, eps));
        crossAttention = child("cross_attn", new CrossAttention(width, imageWidth, heads));
        norm2 = child("layer_norm2", new Norm(width, eps));
        mlp = child("mlp", new FeedForward(width, mlpSize, activation));
    }

    /**
     * @param x text tokens (B, T, D)
     * @param image image tokens (B, M, Dv)
     * @param mask additive self-attention mask, (T, T) causal or (B, 1, 1, T) padding, or null
     * @return (B, T, D)
     */
    public NDArray apply(ParameterStore store, NDArray x, NDArray image, NDArray mask, boolean training) {
        return applyWithCrossWeights(store, x, image, mask, training).get(0);
    }

    /** As {@link #apply}, also returning the cross-attention weights (B, H, T, M). */
    public NDList applyWithCrossWeights(ParameterStore store, NDArray x, NDArray image, NDArray mask, boolean training) {
        x = x.add(selfAttention.apply(store, norm1.apply(store, x, training), mask, training)); // (B, T, D)
        NDList cross = crossAttention.applyWithWeights(store, crossNorm.apply(store, x, training), image, training);
        x = x.add(cross.get(0)); // (B, T, D)
        return new NDList(x.add(mlp.apply(store, norm2.apply(store, x, training), training)), cross.get(1)); // (B, T, D), (B, H, T, M)
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.get(0), inputs.get(1), inputs.size() > 2 ? inputs.get(2) : null, training));
    }
}

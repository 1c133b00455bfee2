package io.openautoglm.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** Pre-norm residual block: x + attn(ln1(x)), then x + mlp(ln2(x)). */
public final class EncoderLayer extends ParamBlock {
    private final Norm norm1;
    private final SelfAttention attention;
    private final Norm norm2;
    private final FeedForward mlp;

    public EncoderLayer(int width, int heads, int mlpSize, Activation activation, float eps) {
        this(width, heads, width / heads, mlpSize, activation, eps);
    }

    public EncoderLayer(int width, int heads, int headDim, int mlpSize, Activation activation, float eps) {
        norm1 = child("layer_norm1", new Norm(width, eps));
        attention = child("self_attn", new SelfAttention(width, heads, headDim));
        norm2 = child("layer_norm2", new Norm(width, eps));
        mlp = child("mlp", new FeedForward(width, mlpSize, activation));
    }

    /** x (B, T, D), mask (T, T) or null -> (B, T, D). */
    public NDArray apply(ParameterStore store, NDArray x, NDArray mask, boolean training) {
        x = x.add(attention.apply(store, norm1.apply(store, x, training), mask, training)); // (B, T, D)
        return x.add(mlp.apply(store, norm2.apply(store, x, training), training)); // (B, T, D)
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray mask = inputs.size() > 1 ? inputs.get(1) : null;
        return new NDList(apply(store, inputs.get(0), mask, training));
    }
}

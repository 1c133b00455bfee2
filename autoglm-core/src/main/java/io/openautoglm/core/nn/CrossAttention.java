package io.openautoglm.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Multi-head attention from one sequence (queries: text tokens) to another (keys and values:
 * image tokens, possibly of another width), as in ALBEF/BLIP's cross-attention layers.
 */
public final class CrossAttention extends ParamBlock {
    private final int heads;
    private final int headDim;
    private final float scale;
    private final Dense query;
    private final Dense key;
    private final Dense valueProj;
    private final Dense out;

    /**
     * @param width query and output width D
     * @param memoryWidth key/value input width Dm (the image tower's width)
     */
    public CrossAttention(int width, int memoryWidth, int heads) {
        this.heads = heads;
        this.headDim = width / heads;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
        float std = (float) Math.pow(width, -0.5);
        query = child("q_proj", new Dense(width, width, true, std));
        key = child("k_proj", new Dense(memoryWidth, width, true, (float) Math.pow(memoryWidth, -0.5)));
        valueProj = child("v_proj", new Dense(memoryWidth, width, true, (float) Math.pow(memoryWidth, -0.5)));
        out = child("out_proj", new Dense(width, width, true, std));
    }

    /**
     * @param x queries (B, T, D)
     * @param memory keys and values (B, M, Dm)
     * @return (B, T, D)
     */
    public NDArray apply(ParameterStore store, NDArray x, NDArray memory, boolean training) {
        return applyWithWeights(store, x, memory, training).get(0);
    }

    /** As {@link #apply}, also returning the attention weights (B, H, T, M), each row summing to 1. */
    public NDList applyWithWeights(ParameterStore store, NDArray x, NDArray memory, boolean training) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        long m = memory.getShape().get(1);
        NDArray q = splitHeads(query.apply(store, x, training).mul(constant(x, scale)), b, t); // (B, H, T, Dh)
        NDArray k = splitHeads(key.apply(store, memory, training), b, m); // (B, H, M, Dh)
        NDArray v = splitHeads(valueProj.apply(store, memory, training), b, m); // (B, H, M, Dh)
        NDArray weights = q.matMul(k.transpose(0, 1, 3, 2)).softmax(-1); // (B, H, T, M)
        NDArray attended = weights.matMul(v); // (B, H, T, Dh)
        NDArray merged = attended.transpose(0, 2, 1, 3).reshape(b, t, (long) heads * headDim); // (B, T, D)
        return new NDList(out.apply(store, merged, training), weights); // (B, T, D), (B, H, T, M)
    }

    private NDArray splitHeads(NDArray x, long b, long t) { // (B, T, D) -> (B, H, T, Dh)
        return x.reshape(b, t, heads, headDim).transpose(0, 2, 1, 3);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.get(0), inputs.get(1), training));
    }
}

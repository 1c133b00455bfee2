package io.openautoglm.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** Multi-head self-attention with separate q/k/v projections, named as Hugging Face's CLIPAttention. */
public final class SelfAttention extends ParamBlock {
    private final int heads;
    private final int headDim;
    private final float scale;
    private final Dense query;
    private final Dense key;
    private final Dense valueProj;
    private final Dense out;

    public SelfAttention(int width, int heads) {
        this(width, heads, width / heads);
    }

    /** heads x headDim may be narrower than width: a model whose heads were pruned. */
    public SelfAttention(int width, int heads, int headDim) {
        this.heads = heads;
        this.headDim = headDim;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
        float std = (float) Math.pow(width, -0.5);
        int inner = heads * headDim;
        query = child("q_proj", new Dense(width, inner, true, std)); // W (H*Dh, D)
        key = child("k_proj", new Dense(width, inner, true, std)); // W (H*Dh, D)
        valueProj = child("v_proj", new Dense(width, inner, true, std)); // W (H*Dh, D)
        out = child("out_proj", new Dense(inner, width, true, std)); // W (D, H*Dh)
    }

    /**
     * @param x (B, T, D)
     * @param additiveMask (T, T) added to the scores (0 or -inf), or null
     * @return (B, T, D)
     */
    public NDArray apply(ParameterStore store, NDArray x, NDArray additiveMask, boolean training) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        NDArray q = splitHeads(query.apply(store, x, training).mul(constant(x, scale)), b, t); // (B, H, T, Dh)
        NDArray k = splitHeads(key.apply(store, x, training), b, t); // (B, H, T, Dh)
        NDArray v = splitHeads(valueProj.apply(store, x, training), b, t); // (B, H, T, Dh)
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)); // (B, H, T, T)
        if (additiveMask != null) {
            scores = scores.add(additiveMask); // (B, H, T, T)
        }
        NDArray attended = scores.softmax(-1).matMul(v); // (B, H, T, Dh)
        NDArray merged = attended.transpose(0, 2, 1, 3).reshape(b, t, (long) heads * headDim); // (B, T, H*Dh)
        return out.apply(store, merged, training); // (B, T, D)
    }

    private NDArray splitHeads(NDArray x, long b, long t) { // (B, T, H*Dh) -> (B, H, T, Dh)
        return x.reshape(b, t, heads, headDim).transpose(0, 2, 1, 3);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray mask = inputs.size() > 1 ? inputs.get(1) : null;
        return new NDList(apply(store, inputs.get(0), mask, training));
    }
}

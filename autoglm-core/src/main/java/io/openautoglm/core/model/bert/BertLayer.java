package io.openautoglm.core.model.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.openautoglm.core.nn.Activation;
import io.openautoglm.core.nn.Dense;
import io.openautoglm.core.nn.Norm;
import io.openautoglm.core.nn.ParamBlock;

/**
 * One post-norm BERT layer: x = LN(x + attn(x)), then x = LN(x + out(act(in(x)))). Attention looks
 * both ways, with padding masked. Names as Hugging Face's {@code BertLayer}.
 */
public final class BertLayer extends ParamBlock {
    private final int heads;
    private final int headDim;
    private final Dense query;
    private final Dense key;
    private final Dense valueProj;
    private final Dense attentionOut;
    private final Norm attentionNorm;
    private final Dense intermediate;
    private final Dense output;
    private final Norm outputNorm;
    private final Activation activation;

    public BertLayer(int width, int heads, int mlpSize, Activation activation, float eps) {
        this.heads = heads;
        this.headDim = width / heads;
        this.activation = activation;
        query = child("attention.self.query", new Dense(width, width, true, 0.02f)); // W (D, D)
        key = child("attention.self.key", new Dense(width, width, true, 0.02f)); // W (D, D)
        valueProj = child("attention.self.value", new Dense(width, width, true, 0.02f)); // W (D, D)
        attentionOut = child("attention.output.dense", new Dense(width, width, true, 0.02f)); // W (D, D)
        attentionNorm = child("attention.output.LayerNorm", new Norm(width, eps));
        intermediate = child("intermediate.dense", new Dense(width, mlpSize, true, 0.02f)); // W (M, D)
        output = child("output.dense", new Dense(mlpSize, width, true, 0.02f)); // W (D, M)
        outputNorm = child("output.LayerNorm", new Norm(width, eps));
    }

    /** x (B, T, D), padding mask (B, 1, 1, T) additive -> (B, T, D). */
    public NDArray apply(ParameterStore store, NDArray x, NDArray paddingMask, boolean training) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        NDArray q = splitHeads(query.apply(store, x, training), b, t); // (B, H, T, Dh)
        NDArray k = splitHeads(key.apply(store, x, training), b, t); // (B, H, T, Dh)
        NDArray v = splitHeads(valueProj.apply(store, x, training), b, t); // (B, H, T, Dh)
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(constant(x, (float) (1.0 / Math.sqrt(headDim)))); // (B, H, T, T)
        NDArray attended = scores.add(paddingMask).softmax(-1).matMul(v); // (B, H, T, Dh)
        NDArray merged = attended.transpose(0, 2, 1, 3).reshape(b, t, (long) heads * headDim); // (B, T, D)
        x = attentionNorm.apply(store, x.add(attentionOut.apply(store, merged, training)), training); // (B, T, D)
        NDArray h = activate(intermediate.apply(store, x, training)); // (B, T, M)
        return outputNorm.apply(store, x.add(output.apply(store, h, training)), training); // (B, T, D)
    }

    private NDArray activate(NDArray h) {
        return switch (activation) {
            case GELU -> ai.djl.nn.Activation.gelu(h); // BERT's exact erf GELU
            case QUICK_GELU -> h.mul(ai.djl.nn.Activation.sigmoid(h.mul(constant(h, 1.702f))));
        };
    }

    private NDArray splitHeads(NDArray x, long b, long t) { // (B, T, D) -> (B, H, T, Dh)
        return x.reshape(b, t, heads, headDim).transpose(0, 2, 1, 3);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.get(0), inputs.get(1), training));
    }
}

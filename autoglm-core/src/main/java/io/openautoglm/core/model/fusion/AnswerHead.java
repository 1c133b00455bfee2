package io.openautoglm.core.model.fusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.openautoglm.core.nn.Dense;
import io.openautoglm.core.nn.Norm;
import io.openautoglm.core.nn.ParamBlock;

/** The answer classifier over the pair state (VQA v2 style): dense, GELU, LN, dense to the answers. */
public final class AnswerHead extends ParamBlock {
    private final Dense dense;
    private final Norm norm;
    private final Dense out;

    public AnswerHead(int width, int answers, float eps) {
        dense = child("dense", new Dense(width, 2 * width, true, (float) Math.pow(width, -0.5)));
        norm = child("layer_norm", new Norm(2 * width, eps));
        out = child("out", new Dense(2 * width, answers, true, 0.02f));
    }

    /** pair state (B, D) -> answer logits (B, A). */
    public NDArray apply(ParameterStore store, NDArray pair, boolean training) {
        NDArray h = Activation.gelu(dense.apply(store, pair, training)); // (B, 2D)
        return out.apply(store, norm.apply(store, h, training), training); // (B, A)
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.singletonOrThrow(), training));
    }
}

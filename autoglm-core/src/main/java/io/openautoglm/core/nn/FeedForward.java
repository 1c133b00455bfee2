package io.openautoglm.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** fc1 -> activation -> fc2, named as Hugging Face's CLIPMLP. */
public final class FeedForward extends ParamBlock {
    private final Dense fc1;
    private final Dense fc2;
    private final Activation activation;

    public FeedForward(int width, int hidden, Activation activation) {
        this.activation = activation;
        fc1 = child("fc1", new Dense(width, hidden, true, (float) Math.pow(2.0 * width, -0.5)));
        fc2 = child("fc2", new Dense(hidden, width, true, (float) Math.pow(width, -0.5)));
    }

    public NDArray apply(ParameterStore store, NDArray x, boolean training) { // (B, T, D) -> (B, T, D)
        NDArray h = fc1.apply(store, x, training); // (B, T, M)
        return fc2.apply(store, activate(h), training); // (B, T, D)
    }

    private NDArray activate(NDArray h) {
        return switch (activation) {
            case QUICK_GELU -> h.mul(ai.djl.nn.Activation.sigmoid(h.mul(constant(h, 1.702f)))); // CLIP's x * sigmoid(1.702 x)
            case GELU -> ai.djl.nn.Activation.gelu(h);
        };
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.singletonOrThrow(), training));
    }
}

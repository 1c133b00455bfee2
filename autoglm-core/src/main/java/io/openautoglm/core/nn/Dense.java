package io.openautoglm.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/** y = x W^T + b, with W stored (out, in) as PyTorch's nn.Linear does. */
public final class Dense extends ParamBlock {
    private final Parameter weight; // (out, in)
    private final Parameter bias; // (out) or null

    public Dense(int in, int out, boolean withBias, float initStd) {
        weight = param("weight", Parameter.Type.WEIGHT, new Shape(out, in), new NormalInitializer(initStd));
        bias = withBias ? param("bias", Parameter.Type.BIAS, new Shape(out), Initializer.ZEROS) : null;
    }

    public NDArray apply(ParameterStore store, NDArray x, boolean training) { // (..., in) -> (..., out)
        NDArray w = value(store, weight, x, training);
        NDArray b = bias == null ? null : value(store, bias, x, training);
        return Linear.linear(x, w, b).singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.singletonOrThrow(), training));
    }
}

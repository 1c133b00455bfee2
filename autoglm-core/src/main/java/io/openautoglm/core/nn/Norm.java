package io.openautoglm.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/** Layer normalization over the last axis, with weight and bias as in nn.LayerNorm. */
public final class Norm extends ParamBlock {
    private final Parameter weight; // (D)
    private final Parameter bias; // (D)
    private final Shape normalized;
    private final float eps;

    public Norm(int dim, float eps) {
        this.weight = param("weight", Parameter.Type.GAMMA, new Shape(dim), Initializer.ONES);
        this.bias = param("bias", Parameter.Type.BETA, new Shape(dim), Initializer.ZEROS);
        this.normalized = new Shape(dim);
        this.eps = eps;
    }

    public NDArray apply(ParameterStore store, NDArray x, boolean training) { // (..., D) -> (..., D)
        return LayerNorm.layerNorm(x, normalized, value(store, weight, x, training), value(store, bias, x, training), eps)
                .singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.singletonOrThrow(), training));
    }
}

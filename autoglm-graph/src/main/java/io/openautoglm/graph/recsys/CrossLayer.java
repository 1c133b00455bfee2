package io.openautoglm.graph.recsys;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.openautoglm.core.nn.Dense;
import io.openautoglm.core.nn.ParamBlock;

/**
 * One cross layer of DCN (Wang et al. 2017): x_{l+1} = x0 ⊙ (W x_l + b) + x_l. Each layer raises the
 * degree of the feature interactions by one (x0's user columns times the item columns, for a taste
 * match) at the cost of one (d, d) matrix; the residual keeps what earlier layers found.
 */
public final class CrossLayer extends ParamBlock {
    private final Dense linear; // (d, d) and (d)

    public CrossLayer(int width) {
        linear = child("linear", new Dense(width, width, true, (float) (0.1 / Math.sqrt(width))));
    }

    /** x0, xl (B, d) -> (B, d). */
    public NDArray apply(ParameterStore store, NDArray x0, NDArray xl, boolean training) {
        return x0.mul(linear.apply(store, xl, training)).add(xl); // (B, d)
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.get(0), inputs.get(1), training));
    }
}

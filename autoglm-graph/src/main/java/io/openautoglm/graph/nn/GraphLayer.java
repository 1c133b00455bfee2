package io.openautoglm.graph.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.openautoglm.core.nn.ParamBlock;

/** One round of message passing: node states (N, in) and the graph to node states (N, out). */
public abstract class GraphLayer extends ParamBlock {
    public abstract NDArray apply(ParameterStore store, NDArray x, GraphTensors graph, boolean training);

    public abstract int outWidth();

    /** Glorot's deviation for a (in, out) matrix: keeps activations' scale through the layer. */
    protected static float glorot(int in, int out) {
        return (float) Math.sqrt(2.0 / (in + out));
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        throw new UnsupportedOperationException("call apply(store, x, graph, training): a graph layer needs the graph");
    }
}

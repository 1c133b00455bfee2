package io.openautoglm.graph.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import io.openautoglm.core.nn.Dense;

/** GraphSAGE with the mean aggregator: h' = W_self h + W_neigh mean(neighbours' h) + b. */
public final class SageLayer extends GraphLayer {
    private final Dense self; // (out, in) + bias
    private final Dense neighbours; // (out, in)
    private final int out;

    public SageLayer(int in, int out) {
        this.out = out;
        self = child("self", new Dense(in, out, true, glorot(in, out)));
        neighbours = child("neighbours", new Dense(in, out, false, glorot(in, out)));
    }

    @Override
    public NDArray apply(ParameterStore store, NDArray x, GraphTensors graph, boolean training) {
        NDArray mean = GraphTensors.aggregate(graph.meanUndirected(), x); // (N, N) sparse x (N, in) -> (N, in)
        return self.apply(store, x, training).add(neighbours.apply(store, mean, training)); // (N, out)
    }

    @Override
    public int outWidth() {
        return out;
    }
}

package io.openautoglm.graph.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import io.openautoglm.core.nn.Dense;

/** Kipf and Welling's graph convolution: H' = Â H W + b, Â the symmetric-normalised adjacency with self loops. */
public final class GcnLayer extends GraphLayer {
    private final Dense linear; // weight (out, in), bias (out)
    private final int out;

    public GcnLayer(int in, int out) {
        this.out = out;
        linear = child("linear", new Dense(in, out, true, glorot(in, out)));
    }

    @Override
    public NDArray apply(ParameterStore store, NDArray x, GraphTensors graph, boolean training) {
        NDArray h = linear.apply(store, x, training); // (N, out)
        return graph.gcnAdjacency().matMul(h); // (N, N) sparse x (N, out) -> (N, out)
    }

    @Override
    public int outWidth() {
        return out;
    }
}

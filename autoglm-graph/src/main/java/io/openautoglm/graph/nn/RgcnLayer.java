package io.openautoglm.graph.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import io.openautoglm.core.nn.Dense;
import java.util.List;

/**
 * Relational GCN (Schlichtkrull et al.): h'_i = W_0 h_i + Σ_r Σ_{j ∈ N_i^r} (1/c_{i,r}) W_r h_j,
 * each relation and its inverse with its own W_r, and W_r = Σ_b a_{r,b} V_b (basis decomposition)
 * so that the parameter count grows with the bases, not the relations.
 */
public final class RgcnLayer extends GraphLayer {
    private final Dense self; // (out, in) + bias
    private final Parameter bases; // (B, in, out)
    private final Parameter coefficients; // (2R, B)
    private final int relations;
    private final int basisCount;
    private final int in;
    private final int out;

    public RgcnLayer(int in, int out, int relations, int basisCount) {
        this.in = in;
        this.out = out;
        this.relations = relations;
        this.basisCount = basisCount;
        self = child("self", new Dense(in, out, true, glorot(in, out)));
        bases = param("bases", Parameter.Type.WEIGHT, new Shape(basisCount, in, out), new NormalInitializer(glorot(in, out)));
        coefficients = param("coefficients", Parameter.Type.WEIGHT, new Shape(2L * relations, basisCount),
                new NormalInitializer((float) (1 / Math.sqrt(basisCount))));
    }

    @Override
    public NDArray apply(ParameterStore store, NDArray x, GraphTensors graph, boolean training) {
        long n = x.getShape().get(0);
        NDArray v = value(store, bases, x, training); // (B, in, out)
        NDArray a = value(store, coefficients, x, training); // (2R, B)
        // x V_b for every basis at once, then per relation a weighted sum of those: never builds W_r.
        NDArray projected = x.matMul(v.transpose(1, 0, 2).reshape(in, (long) basisCount * out))
                .reshape(n, basisCount, out); // (N, B, out)
        NDArray result = self.apply(store, x, training); // (N, out)
        List<NDArray> adjacency = graph.relationAdjacency();
        for (int r = 0; r < adjacency.size() && r < 2 * relations; r++) {
            NDArray adj = adjacency.get(r); // (N, N) sparse, rows normalised by 1/c_{i,r}
            if (adj == null) {
                continue;
            }
            NDArray weights = a.get(r).reshape(1, basisCount, 1); // (1, B, 1)
            NDArray relationMessage = projected.mul(weights).sum(new int[] {1}); // (N, out) = x W_r
            result = result.add(adj.matMul(relationMessage)); // (N, out)
        }
        return result;
    }

    @Override
    public int outWidth() {
        return out;
    }
}

package io.openautoglm.graph.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import io.openautoglm.core.nn.Dense;

/**
 * Asymmetric message passing: what flows in along edges and what flows out are aggregated
 * separately (m_in = mean over sources of W_in h, m_out = mean over targets of W_out h), and the
 * node state is updated by a GRU cell with [m_in ‖ m_out] as its input (as in gated graph networks):
 * z = σ(W_z m + U_z h), r = σ(W_r m + U_r h), n = tanh(W_n m + r ⊙ U_n h), h' = (1 − z) ⊙ n + z ⊙ h.
 * Input and output widths are equal: the state is updated, not replaced.
 */
public final class DirectedGruLayer extends GraphLayer {
    private final Dense incoming; // (D, D)
    private final Dense outgoing; // (D, D)
    private final Dense gatesFromMessage; // (3D, 2D) + bias: z, r, n parts
    private final Dense gatesFromState; // (3D, D) + bias
    private final int width;

    public DirectedGruLayer(int width) {
        this.width = width;
        incoming = child("incoming", new Dense(width, width, false, glorot(width, width)));
        outgoing = child("outgoing", new Dense(width, width, false, glorot(width, width)));
        gatesFromMessage = child("gates_message", new Dense(2 * width, 3 * width, true, glorot(2 * width, width)));
        gatesFromState = child("gates_state", new Dense(width, 3 * width, true, glorot(width, width)));
    }

    @Override
    public NDArray apply(ParameterStore store, NDArray h, GraphTensors graph, boolean training) {
        NDArray fromSources = GraphTensors.aggregate(graph.meanIn(), incoming.apply(store, h, training)); // (N, D)
        NDArray fromTargets = GraphTensors.aggregate(graph.meanOut(), outgoing.apply(store, h, training)); // (N, D)
        NDArray message = NDArrays.concat(new ai.djl.ndarray.NDList(fromSources, fromTargets), 1); // (N, 2D)
        NDArray gm = gatesFromMessage.apply(store, message, training); // (N, 3D)
        NDArray gh = gatesFromState.apply(store, h, training); // (N, 3D)
        NDArray update = Activation.sigmoid(gm.get(":, 0:" + width).add(gh.get(":, 0:" + width))); // (N, D) z
        NDArray reset = Activation.sigmoid(gm.get(":, " + width + ":" + 2 * width)
                .add(gh.get(":, " + width + ":" + 2 * width))); // (N, D) r
        NDArray candidate = gm.get(":, " + 2 * width + ":").add(reset.mul(gh.get(":, " + 2 * width + ":"))).tanh(); // (N, D) n
        NDArray one = constant(h, 1f);
        return one.sub(update).mul(candidate).add(update.mul(h)); // (N, D)
    }

    @Override
    public int outWidth() {
        return width;
    }
}

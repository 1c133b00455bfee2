package io.openautoglm.graph.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.openautoglm.core.TorchRuntime;
import io.openautoglm.graph.nn.EdgeList;
import io.openautoglm.graph.nn.GraphModel;
import io.openautoglm.graph.nn.GraphTensors;

/** A graph model with its weights, owning the manager they live in. */
public final class TrainedGraphModel implements AutoCloseable {
    private final NDManager manager;
    private final GraphModel model;

    public TrainedGraphModel(NDManager manager, GraphModel model) {
        this.manager = manager;
        this.model = model;
    }

    public GraphModel model() {
        return model;
    }

    public NDManager manager() {
        return manager;
    }

    /** Class probabilities of every node, full batch without gradients: x (N*D) row-major to [N][C]. */
    public float[][] probabilities(float[] x, EdgeList edges) {
        TorchRuntime.stopRecordingGradients();
        int n = edges.nodeCount();
        int c = model.config().classes();
        try (NDManager pass = manager.newSubManager()) {
            NDArray input = pass.create(x, new Shape(n, x.length / n)); // (N, D)
            NDArray logits = model.logits(new ParameterStore(pass, false), input, new GraphTensors(pass, edges), false); // (N, C)
            float[] flat = logits.softmax(1).toFloatArray();
            float[][] out = new float[n][c];
            for (int i = 0; i < n; i++) {
                System.arraycopy(flat, i * c, out[i], 0, c);
            }
            return out;
        }
    }

    /** Hidden states of every node (N, hidden), for plots and downstream models. */
    public float[][] embeddings(float[] x, EdgeList edges) {
        TorchRuntime.stopRecordingGradients();
        int n = edges.nodeCount();
        try (NDManager pass = manager.newSubManager()) {
            NDArray input = pass.create(x, new Shape(n, x.length / n)); // (N, D)
            NDArray h = model.embed(new ParameterStore(pass, false), input, new GraphTensors(pass, edges), false); // (N, H)
            int d = (int) h.getShape().get(1);
            float[] flat = h.toFloatArray();
            float[][] out = new float[n][d];
            for (int i = 0; i < n; i++) {
                System.arraycopy(flat, i * d, out[i], 0, d);
            }
            return out;
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}

package io.openautoglm.graph.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.openautoglm.core.nn.Dense;
import io.openautoglm.core.nn.ParamBlock;
import java.util.ArrayList;
import java.util.List;

/**
 * A node classifier: {@code layers} rounds of message passing of one kind, ReLU and dropout
 * between them, then a linear head to class logits. The directed kind first projects the input to
 * the state width and then updates that state with its GRU layer each round.
 */
public final class GraphModel extends ParamBlock {
    private final GraphModelConfig config;
    private final Dense inputProjection; // (hidden, in), directed and mlp only
    private final List<GraphLayer> layers = new ArrayList<>();
    private final List<Dense> mlpLayers = new ArrayList<>();
    private final Dense head; // (classes, hidden)

    public GraphModel(GraphModelConfig config) {
        this.config = config;
        int in = config.inputWidth();
        int h = config.hidden();
        boolean projects = config.kind().equals("directed") || config.kind().equals("mlp");
        inputProjection = projects ? child("input", new Dense(in, h, true, (float) Math.sqrt(2.0 / (in + h)))) : null;
        int width = projects ? h : in;
        for (int i = 0; i < config.layers(); i++) {
            String name = "layers." + i;
            switch (config.kind()) {
                case "gcn" -> layers.add(child(name, new GcnLayer(width, h)));
                case "sage" -> layers.add(child(name, new SageLayer(width, h)));
                case "gat" -> layers.add(child(name, new GatLayer(width, config.heads(), h / config.heads())));
                case "rgcn" -> layers.add(child(name, new RgcnLayer(width, h, config.relations(), config.bases())));
                case "directed" -> layers.add(child(name, new DirectedGruLayer(h)));
                case "mlp" -> {
                    if (i > 0) {
                        mlpLayers.add(child(name, new Dense(h, h, true, (float) Math.sqrt(1.0 / h))));
                    }
                }
                default -> throw new IllegalStateException(config.kind());
            }
            width = h;
        }
        head = child("head", new Dense(h, config.classes(), true, (float) Math.sqrt(1.0 / h)));
    }

    public GraphModelConfig config() {
        return config;
    }

    /** Fresh weights in {@code manager}, reproducible after {@code TorchRuntime.seed}. */
    public GraphModel initialized(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1));
        return this;
    }

    /** Class logits for every node: x (N, in) -> (N, classes). */
    public NDArray logits(ParameterStore store, NDArray x, GraphTensors graph, boolean training) {
        return head.apply(store, embed(store, x, graph, training), training); // (N, classes)
    }

    /** The last hidden state of every node, (N, hidden). */
    public NDArray embed(ParameterStore store, NDArray x, GraphTensors graph, boolean training) {
        NDArray h = x; // (N, in)
        if (inputProjection != null) {
            h = Activation.relu(inputProjection.apply(store, h, training)); // (N, hidden)
            h = dropout(h, training);
        }
        for (Dense mlp : mlpLayers) {
            h = dropout(Activation.relu(mlp.apply(store, h, training)), training); // (N, hidden)
        }
        for (GraphLayer layer : layers) {
            NDArray next = layer.apply(store, h, graph, training); // (N, hidden)
            // The GRU state is already bounded; the others need their non-linearity.
            h = layer instanceof DirectedGruLayer ? next : dropout(Activation.relu(next), training);
        }
        return h;
    }

    private NDArray dropout(NDArray h, boolean training) {
        return config.dropout() > 0 && training ? Dropout.dropout(h, config.dropout(), true).singletonOrThrow() : h;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        throw new UnsupportedOperationException("call logits(store, x, graph, training)");
    }
}

package io.openautoglm.train.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import io.openautoglm.core.TorchRuntime;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.checkpoint.SafetensorsReader;
import io.openautoglm.core.checkpoint.SafetensorsWriter;
import io.openautoglm.core.model.clip.ClipModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A momentum copy of both towers and their projections (MoCo, ALBEF): after every optimizer step
 * each copied weight becomes {@code m * copy + (1 - m) * weight}, so the keys it computes drift
 * slowly and stay comparable with the keys queued from earlier steps. Its weights live in a
 * manager of its own, closed with it; they are frozen, so its forward records no graph.
 */
final class MomentumEncoder implements AutoCloseable {
    private final NDManager manager;
    private final ClipModel copy;
    private final double momentum;
    private final Map<String, Parameter> sources = new LinkedHashMap<>();
    private final Map<String, Parameter> targets = new LinkedHashMap<>();

    MomentumEncoder(ClipModel model, double momentum) {
        this.momentum = momentum;
        this.manager = TorchRuntime.engine().newBaseManager();
        try {
            copy = new ClipModel(model.config());
            copy.setInitializer(Initializer.ZEROS, p -> true); // overwritten from the model below
            copy.initialize(manager, DataType.FLOAT32, new Shape(1));
            Map<String, Parameter> copied = copy.namedParameters();
            model.namedParameters().forEach((name, p) -> {
                if (tower(name)) {
                    sources.put(name, p);
                    targets.put(name, copied.get(name));
                    copied.get(name).getArray().set(p.getArray().toFloatArray());
                }
            });
            copied.values().forEach(p -> p.freeze(true));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** The parameters the contrastive embeddings go through. */
    static boolean tower(String name) {
        return name.startsWith("vision_model.") || name.startsWith("text_model.") || name.startsWith("visual_projection")
                || name.startsWith("text_projection");
    }

    /**
     * The momentum keys of a batch, normalized, in {@code scope}.
     *
     * @param pixels (B, 3, S, S)
     * @param ids (B + N, L)
     * @return image keys (B, P) and text keys (B + N, P)
     */
    NDList keys(NDManager scope, NDArray pixels, NDArray ids) {
        ParameterStore store = new ParameterStore(scope, false);
        NDArray images = copy.projectImage(store, copy.imageTokens(store, pixels, false), false); // (B, P)
        NDArray texts = copy.projectText(store, copy.textTokens(store, ids, false), ids, false); // (B + N, P)
        return new NDList(ClipModel.l2Normalize(images).stopGradient(), ClipModel.l2Normalize(texts).stopGradient());
    }

    /** copy = m * copy + (1 - m) * model, in place; temporaries in {@code scope}. Call with gradient recording off. */
    void update(NDManager scope) {
        float m = (float) momentum;
        for (Map.Entry<String, Parameter> e : targets.entrySet()) {
            NDArray source = sources.get(e.getKey()).getArray();
            NDArray moved = source.mul(1 - m); // same shape as the weight
            moved.attach(scope);
            e.getValue().getArray().muli(m).addi(moved);
        }
    }

    void save(Path file) throws IOException {
        Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
        targets.forEach((name, p) -> tensors.put(name,
                new SafetensorsWriter.Tensor(p.getArray().getShape().getShape(), p.getArray().toFloatArray())));
        SafetensorsWriter.write(file, tensors, Map.of("momentum", Double.toString(momentum)));
    }

    void load(Path file) {
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            for (Map.Entry<String, Parameter> e : targets.entrySet()) {
                if (!reader.contains(e.getKey())) {
                    throw new UserInputException(file + " lacks the momentum weight " + e.getKey() + "; it was saved for another model");
                }
                e.getValue().getArray().set(reader.readFloats(e.getKey()));
            }
        }
    }

    /** Copied weights by name (tests compare them across a resume). */
    Map<String, float[]> weights() {
        Map<String, float[]> w = new LinkedHashMap<>();
        targets.forEach((name, p) -> w.put(name, p.getArray().toFloatArray()));
        return w;
    }

    @Override
    public void close() {
        manager.close();
    }
}

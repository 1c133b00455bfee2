package io.openautoglm.onnx.graph;

import ai.djl.nn.Parameter;
import io.openautoglm.core.model.clip.ClipModel;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model's weights by checkpoint key (Hugging Face {@code CLIPModel} names, our layout whatever the
 * folder's), copied out of DJL once: the graphs are built from plain arrays.
 */
public final class TowerWeights {
    /** One tensor, row-major. */
    public record Tensor(float[] data, long[] shape) {}

    private final Map<String, Tensor> tensors;

    private TowerWeights(Map<String, Tensor> tensors) {
        this.tensors = tensors;
    }

    /** Copies every parameter of {@code network}. */
    public static TowerWeights of(ClipModel network) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : network.namedParameters().entrySet()) {
            var array = e.getValue().getArray();
            out.put(e.getKey(), new Tensor(array.toFloatArray(), array.getShape().getShape()));
        }
        return new TowerWeights(out);
    }

    public Tensor get(String key) {
        Tensor t = tensors.get(key);
        if (t == null) {
            throw new IllegalStateException("the model has no parameter " + key);
        }
        return t;
    }

    /** (rows, cols) -> (cols, rows): nn.Linear's (out, in) weight as MatMul's right operand (in, out). */
    static float[] transpose(float[] data, int rows, int cols) {
        float[] out = new float[data.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = data[r * cols + c];
            }
        }
        return out;
    }
}

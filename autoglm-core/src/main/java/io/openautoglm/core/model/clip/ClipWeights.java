package io.openautoglm.core.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.checkpoint.SafetensorsReader;
import io.openautoglm.core.checkpoint.SafetensorsWriter;
import io.openautoglm.core.checkpoint.TensorInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Moves weights between an initialized {@link ClipModel} and safetensors files, strictly. */
public final class ClipWeights {
    private static final int LIST_LIMIT = 8;

    private ClipWeights() {}

    /**
     * Copies every parameter from the checkpoint. Missing keys, unexpected keys and shape mismatches
     * are all collected and reported in one error.
     */
    public static void load(ClipModel model, SafetensorsReader reader, CheckpointLayout layout) {
        Map<String, Parameter> params = model.namedParameters();
        Map<String, WeightSource> mapping = layout.mapping(model.config());
        List<String> missing = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            WeightSource source = mapping.get(e.getKey());
            if (source == null || !reader.contains(source.key())) {
                missing.add(source == null ? e.getKey() : source.key());
                continue;
            }
            used.add(source.key());
            TensorInfo info = reader.info(source.key());
            long[] expected = e.getValue().getShape().getShape();
            long[] actual = source.targetShape(info.shape());
            if (!Arrays.equals(expected, actual)) {
                mismatched.add(source.key() + " " + Arrays.toString(info.shape()) + " (expected "
                        + Arrays.toString(expected) + ")");
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String key : reader.tensors().keySet()) {
            if (!used.contains(key) && !layout.ignorableKeys().contains(key)) {
                unexpected.add(key);
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty() || !mismatched.isEmpty()) {
            throw new UserInputException(reader.file() + " does not fit a " + layout.description() + " with this config: "
                    + describe("missing", missing) + describe("unexpected", unexpected)
                    + describe("wrong shape", mismatched)
                    + "check that config.json (or open_clip_config.json) matches these weights");
        }
        // The same source tensor (OpenAI's fused q/k/v) serves several parameters: read it once.
        Map<String, float[]> cache = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            WeightSource source = mapping.get(e.getKey());
            TensorInfo info = reader.info(source.key());
            float[] raw = source.transform() == WeightSource.Transform.ROW_BLOCK
                    ? cache.computeIfAbsent(source.key(), reader::readFloats)
                    : reader.readFloats(source.key());
            e.getValue().getArray().set(source.apply(raw, info.shape()));
        }
    }

    /** Writes every parameter under our (Hugging Face) names, atomically. */
    public static void save(ClipModel model, Path file, Map<String, String> metadata) throws IOException {
        Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            NDArray array = e.getValue().getArray();
            Shape shape = array.getShape();
            tensors.put(e.getKey(), new SafetensorsWriter.Tensor(shape.getShape(), array.toFloatArray()));
        }
        SafetensorsWriter.write(file, tensors, metadata);
    }

    private static String describe(String what, List<String> keys) {
        if (keys.isEmpty()) {
            return "";
        }
        List<String> shown = keys.subList(0, Math.min(LIST_LIMIT, keys.size()));
        String more = keys.size() > LIST_LIMIT ? " and " + (keys.size() - LIST_LIMIT) + " more" : "";
        return keys.size() + " " + what + " (" + String.join(", ", shown) + more + "); ";
    }
}

package io.openautoglm.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.openautoglm.core.model.clip.ClipConfig;
import java.util.ArrayList;
import java.util.List;

/** A stack of {@link EncoderLayer}s, named {@code layers.<i>} as in Hugging Face's CLIPEncoder. */
public final class Encoder extends ParamBlock {
    private final List<EncoderLayer> layers = new ArrayList<>();

    public Encoder(int width, int depth, int heads, int mlpSize, ClipConfig.Activation activation, float eps) {
        for (int i = 0; i < depth; i++) {
            layers.add(child("layers." + i, new EncoderLayer(width, heads, mlpSize, activation, eps)));
        }
    }

    /** x (B, T, D), mask (T, T) or null -> (B, T, D). */
    public NDArray apply(ParameterStore store, NDArray x, NDArray mask, boolean training) {
        for (EncoderLayer layer : layers) {
            x = layer.apply(store, x, mask, training);
        }
        return x;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray mask = inputs.size() > 1 ? inputs.get(1) : null;
        return new NDList(apply(store, inputs.get(0), mask, training));
    }
}

package io.openautoglm.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/** A stack of {@link EncoderLayer}s, named {@code layers.<i>} as in Hugging Face's CLIPEncoder. */
public final class Encoder extends ParamBlock {
    private final List<EncoderLayer> layers = new ArrayList<>();

    public Encoder(int width, int depth, int heads, int mlpSize, Activation activation, float eps) {
        this(width, depth, heads, width / heads, mlpSize, activation, eps);
    }

    public Encoder(int width, int depth, int heads, int headDim, int mlpSize, Activation activation, float eps) {
        for (int i = 0; i < depth; i++) {
            layers.add(child("layers." + i, new EncoderLayer(width, heads, headDim, mlpSize, activation, eps)));
        }
    }

    /**
     * x (B, T, D), mask (T, T) or null -> (B, T, D), attached to x's manager.
     *
     * <p>In inference each layer runs in its own sub-manager, so its intermediates (about 150 MB
     * per ViT-B/32 layer at batch 32) are freed when the layer ends instead of when the caller's
     * scope closes: peak memory is one layer's worth rather than the whole tower's, and the
     * allocator reuses warm pages instead of faulting in fresh ones on every op. In training the
     * autograd graph keeps what backward needs anyway, so layers share the caller's manager.
     */
    public NDArray apply(ParameterStore store, NDArray x, NDArray mask, boolean training) {
        if (training) {
            for (EncoderLayer layer : layers) {
                x = layer.apply(store, x, mask, true);
            }
            return x;
        }
        NDArray input = x;
        NDManager owner = x.getManager();
        for (EncoderLayer layer : layers) {
            NDArray next;
            try (NDManager step = owner.newSubManager()) {
                x.tempAttach(step); // ops on x put their results in step; x goes back to owner on close
                next = layer.apply(store, x, mask, false); // (B, T, D)
                next.attach(owner);
            }
            if (x != input) {
                x.close(); // the previous layer's output
            }
            x = next;
        }
        return x;
    }

    /**
     * Inference only: x (B, T, D) -> the input and every layer's output, depth + 1 arrays (B, T, D)
     * attached to x's manager (index 0 is x itself). Intermediate layers hold the more local
     * features that patch-level methods (defect inspection) compare.
     */
    public List<NDArray> states(ParameterStore store, NDArray x, NDArray mask) {
        List<NDArray> out = new ArrayList<>();
        out.add(x);
        NDManager owner = x.getManager();
        for (EncoderLayer layer : layers) {
            NDArray next;
            try (NDManager step = owner.newSubManager()) {
                x.tempAttach(step);
                next = layer.apply(store, x, mask, false); // (B, T, D)
                next.attach(owner);
            }
            out.add(next);
            x = next;
        }
        return out;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray mask = inputs.size() > 1 ? inputs.get(1) : null;
        return new NDList(apply(store, inputs.get(0), mask, training));
    }
}

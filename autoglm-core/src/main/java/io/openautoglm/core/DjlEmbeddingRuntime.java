package io.openautoglm.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.openautoglm.core.model.clip.ClipModel;

/**
 * {@link EmbeddingRuntime} on DJL's PyTorch engine: the model's own towers in inference mode.
 * Thread-safe: every call owns its native memory in a sub-manager of the weights' manager.
 */
final class DjlEmbeddingRuntime implements EmbeddingRuntime {
    private final NDManager manager; // owns the weights; not closed here
    private final ClipModel network;
    private final int imageSize;

    DjlEmbeddingRuntime(NDManager manager, ClipModel network, int imageSize) {
        this.manager = manager;
        this.network = network;
        this.imageSize = imageSize;
    }

    @Override
    public float[][] embedPixels(float[] pixels, int count, boolean normalize) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(pixels, new Shape(count, 3, imageSize, imageSize)); // (B, 3, S, S)
            NDArray e = network.encodeImage(new ParameterStore(scope, false), x, false); // (B, P)
            return Vectors.toRows((normalize ? ClipModel.l2Normalize(e) : e).toFloatArray(), count); // B rows of P
        }
    }

    @Override
    public float[][] embedTokenIds(long[] ids, int count, int length, boolean normalize) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(ids, new Shape(count, length)); // (B, T)
            NDArray e = network.encodeText(new ParameterStore(scope, false), x, false); // (B, P)
            return Vectors.toRows((normalize ? ClipModel.l2Normalize(e) : e).toFloatArray(), count); // B rows of P
        }
    }

    @Override
    public int dimension() {
        return network.config().projectionDim();
    }

    @Override
    public String name() {
        return TorchRuntime.ENGINE + " " + TorchRuntime.engine().getVersion() + " via DJL";
    }
}

package io.openautoglm.core;

/**
 * The two encoder calls every embedding path ends in, on already preprocessed inputs: pixels and
 * token ids in, embedding rows out. {@link DjlEmbeddingRuntime} runs them on DJL's PyTorch; another
 * backend (ONNX Runtime on exported towers) implements this beside it, and tokenizing, image
 * preprocessing, batching and zero-shot stay the same above it.
 */
public interface EmbeddingRuntime {
    /** Preprocessed pixels (B, 3, S, S), row-major, to embeddings (B, P); L2-normalized when asked. */
    float[][] embedPixels(float[] pixels, int count, boolean normalize);

    /** Token ids (B, T), row-major, to embeddings (B, P); L2-normalized when asked. */
    float[][] embedTokenIds(long[] ids, int count, int length, boolean normalize);

    /** P, the width of the shared embedding space. */
    int dimension();

    /** The backend, for logs and provenance (e.g. "PyTorch 2.7.1 via DJL"). */
    String name();
}

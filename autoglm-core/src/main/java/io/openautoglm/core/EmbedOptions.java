package io.openautoglm.core;

/**
 * How to embed: items per model batch, whether to L2-normalize the results, and what to do with a
 * text longer than the model's context: split it into overlapping windows whose embeddings are
 * pooled (the default; at most {@code maxWindows} per text) or, with {@code truncate}, keep only
 * its first context-length tokens as CLIP does.
 */
public record EmbedOptions(int batchSize, boolean normalize, boolean truncate, int maxWindows) {
    public static final int DEFAULT_BATCH_SIZE = 32;
    public static final int DEFAULT_MAX_WINDOWS = 64;

    public EmbedOptions {
        if (batchSize < 1) {
            throw new UserInputException("batch size must be at least 1, got " + batchSize);
        }
        if (maxWindows < 1) {
            throw new UserInputException("max windows must be at least 1, got " + maxWindows);
        }
    }

    /** Windows for long texts, at most {@link #DEFAULT_MAX_WINDOWS} each. */
    public EmbedOptions(int batchSize, boolean normalize) {
        this(batchSize, normalize, false, DEFAULT_MAX_WINDOWS);
    }

    public static EmbedOptions defaults() {
        return new EmbedOptions(DEFAULT_BATCH_SIZE, true);
    }

    public EmbedOptions withBatchSize(int n) {
        return new EmbedOptions(n, normalize, truncate, maxWindows);
    }

    public EmbedOptions withNormalize(boolean on) {
        return new EmbedOptions(batchSize, on, truncate, maxWindows);
    }

    /** true: cut long texts to the context (CLIP's behaviour); false: windows, pooled. */
    public EmbedOptions withTruncate(boolean on) {
        return new EmbedOptions(batchSize, normalize, on, maxWindows);
    }

    public EmbedOptions withMaxWindows(int n) {
        return new EmbedOptions(batchSize, normalize, truncate, n);
    }
}

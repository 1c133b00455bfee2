package io.openautoglm.core;

/** How to embed: items per model batch, and whether to L2-normalize the results. */
public record EmbedOptions(int batchSize, boolean normalize) {
    public static final int DEFAULT_BATCH_SIZE = 32;

    public EmbedOptions {
        if (batchSize < 1) {
            throw new UserInputException("batch size must be at least 1, got " + batchSize);
        }
    }

    public static EmbedOptions defaults() {
        return new EmbedOptions(DEFAULT_BATCH_SIZE, true);
    }

    public EmbedOptions withBatchSize(int n) {
        return new EmbedOptions(n, normalize);
    }

    public EmbedOptions withNormalize(boolean on) {
        return new EmbedOptions(batchSize, on);
    }
}

package io.openautoglm.core;

/**
 * Text embeddings with what the model read for each text: its token count (start and end
 * included, before any cut), the windows it was embedded in (1 when it fits the context), and
 * whether it was cut to the context instead ({@link EmbedOptions#truncate()}).
 */
public record TextEmbeddings(float[][] vectors, int[] tokens, int[] windows, boolean[] truncated) {
    public int size() {
        return vectors.length;
    }

    /** Tokens the model actually read for text {@code i}: all of them, or the context length when cut. */
    public int tokensRead(int i, int contextLength) {
        return truncated[i] ? contextLength : tokens[i];
    }
}

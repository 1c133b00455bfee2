package io.openautoglm.train.data;

/**
 * A prepared training batch, ready for the model.
 *
 * @param pixels (B, 3, S, S) row-major, normalized
 * @param tokenIds (B, T) row-major
 * @param targets (B, B) row-normalized positive matrix
 * @param captions the caption chosen for each example
 */
public record Batch(int size, int imageSize, int contextLength, float[] pixels, long[] tokenIds, float[] targets, String[] captions) {}

package io.openautoglm.train.data;

/**
 * A prepared training batch, ready for the model.
 *
 * @param size B, the number of pictures
 * @param negatives N, hard-negative captions after the B captions
 * @param pixels (B, 3, S, S) row-major, normalized
 * @param tokenIds (B + N, T) row-major: each picture's caption, then the hard negatives
 * @param imageToText (B, B + N) row-normalized positive matrix
 * @param textToImage (B, B) row-normalized positive matrix
 * @param captions the caption chosen for each example
 */
public record Batch(int size, int negatives, int imageSize, int contextLength, float[] pixels, long[] tokenIds,
        float[] imageToText, float[] textToImage, String[] captions) {}

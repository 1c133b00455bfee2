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
 * @param negativeOwners (N) the picture each hard negative was made for
 * @param fusion what the fusion heads learn from, or null when they do not train
 * @param tagTargets (B, K) 1 where picture b has tag k, else 0; null when the image-tag head does not train
 * @param positiveKeys (B) what makes two batch items a match (the caption, or the {@code data.positive_key}
 *     value), so that keys queued from other batches can be matched too; null: the captions
 */
public record Batch(int size, int negatives, int imageSize, int contextLength, float[] pixels, long[] tokenIds,
        float[] imageToText, float[] textToImage, String[] captions, int[] negativeOwners, FusionTargets fusion, float[] tagTargets,
        String[] positiveKeys) {

    /** A batch whose items match when their captions are equal. */
    public Batch(int size, int negatives, int imageSize, int contextLength, float[] pixels, long[] tokenIds, float[] imageToText,
            float[] textToImage, String[] captions, int[] negativeOwners, FusionTargets fusion, float[] tagTargets) {
        this(size, negatives, imageSize, contextLength, pixels, tokenIds, imageToText, textToImage, captions, negativeOwners, fusion,
                tagTargets, null);
    }

    /**
     * @param questionIds (B * Q, T) Q questions per picture, picture b's in rows [bQ, (b+1)Q); a picture
     *     with fewer than Q questions gets empty ones
     * @param answerTargets (B * Q, A) each row the share of each answer among the question's answers; all
     *     zeros for an empty question or one none of whose answers is in the vocabulary
     * @param questionsPerImage Q
     * @param captionIds (B, T) each picture's record caption, for the caption decoder
     * @param groundingTargets (B * Q, T, 4) per question token: 1 where the token ends a phrase naming one
     *     object, then that object's centre x, y and radius as fractions of the model's input; null unless
     *     grounding trains
     */
    public record FusionTargets(long[] questionIds, float[] answerTargets, int answerCount, int questionsPerImage, long[] captionIds,
            float[] groundingTargets) {}
}

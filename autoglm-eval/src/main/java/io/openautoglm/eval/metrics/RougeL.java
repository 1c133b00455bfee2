package io.openautoglm.eval.metrics;

import java.util.List;

/**
 * ROUGE-L as the COCO caption toolkit computes it: for each image, the longest common subsequence
 * with each reference gives a precision and a recall; the best precision and the best recall over
 * the references (not necessarily from the same reference) make an F-measure with beta 1.2; the
 * corpus score is the mean over images.
 */
public final class RougeL {
    public static final double BETA = 1.2;

    private RougeL() {}

    public static double corpus(List<ScoredImage> images) {
        double[] scores = new double[images.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = image(images.get(i));
        }
        return NumpyMean.mean(scores);
    }

    /** ROUGE-L of one image. */
    static double image(ScoredImage image) {
        List<String> candidate = asSplitOnSpace(image.candidate());
        double bestPrecision = 0;
        double bestRecall = 0;
        for (List<String> tokens : image.references()) {
            List<String> reference = asSplitOnSpace(tokens);
            int lcs = lcsLength(reference, candidate);
            bestPrecision = Math.max(bestPrecision, lcs / (double) candidate.size());
            bestRecall = Math.max(bestRecall, lcs / (double) reference.size());
        }
        if (bestPrecision == 0 || bestRecall == 0) {
            return 0.0;
        }
        double b2 = BETA * BETA;
        return ((1 + b2) * bestPrecision * bestRecall) / (bestRecall + b2 * bestPrecision);
    }

    /**
     * The toolkit splits the tokenized string on a single space, so an empty caption is one empty
     * token, not none: its length is 1 and it matches an empty reference. We keep that.
     */
    private static List<String> asSplitOnSpace(List<String> tokens) {
        return tokens.isEmpty() ? List.of("") : tokens;
    }

    /** Length of the longest common subsequence, one row of the table at a time. */
    static int lcsLength(List<String> a, List<String> b) {
        int[] previous = new int[b.size() + 1];
        int[] current = new int[b.size() + 1];
        for (String x : a) {
            for (int j = 1; j <= b.size(); j++) {
                current[j] = x.equals(b.get(j - 1)) ? previous[j - 1] + 1 : Math.max(previous[j], current[j - 1]);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.size()];
    }
}

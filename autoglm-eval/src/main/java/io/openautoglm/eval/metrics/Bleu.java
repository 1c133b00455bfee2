package io.openautoglm.eval.metrics;

import java.util.List;
import java.util.Map;

/**
 * Corpus BLEU-1..4 as the COCO caption toolkit computes it: clipped n-gram matches and candidate
 * n-gram counts summed over the corpus, the reference length per image being the reference length
 * closest to the candidate's (ties to the shorter), one brevity penalty for the corpus.
 */
public final class Bleu {
    public static final int MAX_N = 4;
    /** Added to each numerator so that a corpus without any match scores 0, not NaN. */
    static final double TINY = 1e-15;
    /** Added to each denominator so that an empty candidate corpus does not divide by zero. */
    static final double SMALL = 1e-9;

    private Bleu() {}

    /** BLEU-1..BLEU-4 of the corpus, in that order. */
    public static double[] corpus(List<ScoredImage> images) {
        long[] correct = new long[MAX_N];
        long[] guess = new long[MAX_N];
        long candidateLength = 0;
        long referenceLength = 0;
        for (ScoredImage image : images) {
            int length = image.candidate().size();
            candidateLength += length;
            referenceLength += closestReferenceLength(image.references(), length);
            Map<String, Integer> maxReferenceCounts = new java.util.HashMap<>();
            for (List<String> reference : image.references()) {
                NGrams.count(reference, MAX_N).forEach((g, c) -> maxReferenceCounts.merge(g, c, Math::max));
            }
            for (int k = 0; k < MAX_N; k++) {
                guess[k] += Math.max(0, length - k);
            }
            NGrams.count(image.candidate(), MAX_N).forEach((g, c) ->
                    correct[NGrams.order(g) - 1] += Math.min(maxReferenceCounts.getOrDefault(g, 0), c));
        }
        double ratio = (candidateLength + TINY) / (referenceLength + SMALL);
        double[] scores = new double[MAX_N];
        for (int n = 1; n <= MAX_N; n++) {
            double product = 1.0;
            for (int k = 0; k < n; k++) {
                product *= (correct[k] + TINY) / (guess[k] + SMALL);
            }
            scores[n - 1] = Math.pow(product, 1.0 / n);
            if (ratio < 1) {
                scores[n - 1] *= Math.exp(1 - 1 / ratio); // brevity penalty
            }
        }
        return scores;
    }

    /** The reference length nearest the candidate's; of two equally near, the shorter. */
    static int closestReferenceLength(List<List<String>> references, int candidateLength) {
        int best = -1;
        for (List<String> reference : references) {
            int l = reference.size();
            int d = Math.abs(l - candidateLength);
            int bestD = Math.abs(best - candidateLength);
            if (best < 0 || d < bestD || (d == bestD && l < best)) {
                best = l;
            }
        }
        return best;
    }
}

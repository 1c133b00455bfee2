package io.openautoglm.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * Ranking metrics over a similarity matrix (queries x candidates), each query with a non-empty
 * set of relevant candidate indices.
 *
 * <p><b>Ties are broken pessimistically</b>: a non-relevant candidate whose score equals a
 * relevant one's is ranked above it, so a model that gives every candidate the same score gets
 * the worst ranks, not the best. Among relevant candidates with equal scores the lower index goes
 * first (it does not change any metric: the positions they occupy are the same). A NaN score
 * counts as beating everything it is compared with, again the pessimistic reading.
 *
 * <p>Per query, the <i>rank</i> is the 1-based position of its best-ranked relevant candidate.
 * R@K is the fraction of queries with rank at most K; MRR the mean of 1/rank; NDCG@10 uses binary
 * relevance with every relevant candidate counting (DCG = sum of 1/log2(1+position) over relevant
 * candidates in the top 10; ideal DCG over min(|relevant|, 10) positions). The median of an even
 * number of ranks is the mean of the two middle ones.
 */
public final class RetrievalMetrics {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RetrievalMetrics() {}

    /** The numbers for one retrieval direction; {@code queries} is how many queries they average over. */
    public record Summary(double recallAt1, double recallAt5, double recallAt10, double mrr, double ndcgAt10,
                          double meanRank, double medianRank, int queries) {
        public ObjectNode toJson() {
            ObjectNode o = JSON.createObjectNode();
            o.put("R@1", recallAt1);
            o.put("R@5", recallAt5);
            o.put("R@10", recallAt10);
            o.put("MRR", mrr);
            o.put("NDCG@10", ndcgAt10);
            o.put("mean_rank", meanRank);
            o.put("median_rank", medianRank);
            return o;
        }
    }

    /** Every metric for a similarity matrix (Q, C) and, per query, its relevant candidate indices. */
    public static Summary evaluate(float[][] similarity, int[][] relevant) {
        if (similarity.length != relevant.length) {
            throw new IllegalArgumentException(similarity.length + " query rows but " + relevant.length + " relevant sets");
        }
        return evaluate(i -> similarity[i], relevant);
    }

    /**
     * Same, with query i's candidate scores from {@code row.apply(i)}: lets a caller rank the
     * columns of a matrix it already holds (image->text over a text x image matrix) without a
     * transposed copy, which for COCO's 25k x 5k would be another 500 MB.
     */
    public static Summary evaluate(IntFunction<float[]> row, int[][] relevant) {
        if (relevant.length == 0) {
            throw new IllegalArgumentException("no queries to evaluate");
        }
        int q = relevant.length;
        int[] first = new int[q];
        double ndcg = 0;
        for (int i = 0; i < q; i++) {
            int[] positions = relevantPositions(row.apply(i), relevant[i]);
            first[i] = positions[0];
            ndcg += ndcgAt(positions, 10);
        }
        return new Summary(recallAt(first, 1), recallAt(first, 5), recallAt(first, 10), mrr(first), ndcg / q,
                mean(first), median(first), q);
    }

    /**
     * The 1-based positions, in ascending order, that the relevant candidates take in the ranking
     * of {@code scores} (descending, ties pessimistic as described in the class comment).
     */
    public static int[] relevantPositions(float[] scores, int[] relevant) {
        if (relevant.length == 0) {
            throw new IllegalArgumentException("a query needs at least one relevant candidate");
        }
        boolean[] isRelevant = new boolean[scores.length];
        for (int r : relevant) {
            if (r < 0 || r >= scores.length) {
                throw new IllegalArgumentException("relevant index " + r + " outside 0.." + (scores.length - 1));
            }
            isRelevant[r] = true;
        }
        int[] distinct = Arrays.stream(relevant).distinct().toArray();
        int[] positions = new int[distinct.length];
        for (int n = 0; n < distinct.length; n++) {
            int j = distinct[n];
            float s = scores[j];
            int above = 0;
            for (int k = 0; k < scores.length; k++) {
                if (k == j) {
                    continue;
                }
                float o = scores[k];
                // !(o < s) is true for o >= s and for any NaN: both put k above j.
                boolean beats = isRelevant[k] ? (o > s || (o == s && k < j) || Float.isNaN(o)) : !(o < s);
                if (beats) {
                    above++;
                }
            }
            positions[n] = above + 1;
        }
        Arrays.sort(positions);
        return positions;
    }

    /** Fraction of queries whose rank is at most {@code k}. */
    public static double recallAt(int[] ranks, int k) {
        return (double) Arrays.stream(ranks).filter(r -> r <= k).count() / ranks.length;
    }

    public static double mrr(int[] ranks) {
        return Arrays.stream(ranks).mapToDouble(r -> 1.0 / r).sum() / ranks.length;
    }

    public static double mean(int[] ranks) {
        return Arrays.stream(ranks).average().orElse(Double.NaN);
    }

    /** The middle rank; for an even count, the mean of the two middle ones. */
    public static double median(int[] ranks) {
        int[] s = ranks.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    }

    /** Binary-relevance NDCG@k from the sorted positions of all relevant candidates. */
    public static double ndcgAt(int[] relevantPositions, int k) {
        double dcg = 0;
        for (int p : relevantPositions) {
            if (p <= k) {
                dcg += 1 / log2(p + 1);
            }
        }
        double ideal = 0;
        for (int p = 1; p <= Math.min(relevantPositions.length, k); p++) {
            ideal += 1 / log2(p + 1);
        }
        return dcg / ideal;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}

package io.openautoglm.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Hand-computed cases: every expected number below is worked out in the comment beside it. */
class RetrievalMetricsTest {
    private static final double EPS = 1e-9;

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    @Test
    void perfectRankingScoresOneEverywhere() {
        float[][] sim = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        var s = RetrievalMetrics.evaluate(sim, new int[][] {{0}, {1}, {2}});
        assertThat(new double[] {s.recallAt1(), s.recallAt5(), s.recallAt10(), s.mrr(), s.ndcgAt10(), s.meanRank(), s.medianRank()})
                .containsExactly(1, 1, 1, 1, 1, 1, 1);
        assertThat(s.queries()).isEqualTo(3);
    }

    @Test
    void knownPermutation() {
        // 12 candidates, candidate j scores -j, so it sits at position j + 1 for every query.
        float[] row = new float[12];
        for (int j = 0; j < row.length; j++) {
            row[j] = -j;
        }
        float[][] sim = {row, row, row, row};
        // Relevant candidates 0, 2, 6, 11 -> ranks 1, 3, 7, 12.
        var s = RetrievalMetrics.evaluate(sim, new int[][] {{0}, {2}, {6}, {11}});
        assertThat(s.recallAt1()).isEqualTo(0.25);
        assertThat(s.recallAt5()).isEqualTo(0.5);
        assertThat(s.recallAt10()).isEqualTo(0.75);
        assertThat(s.mrr()).isCloseTo((1 + 1 / 3.0 + 1 / 7.0 + 1 / 12.0) / 4, within(EPS));
        // NDCG@10 with one relevant item: 1/log2(rank + 1) inside the top 10: 1, 1/2, 1/3, 0.
        assertThat(s.ndcgAt10()).isCloseTo((1 + 0.5 + 1 / 3.0) / 4, within(EPS));
        assertThat(s.meanRank()).isEqualTo(5.75); // (1 + 3 + 7 + 12) / 4
        assertThat(s.medianRank()).isEqualTo(5.0); // (3 + 7) / 2
    }

    @Test
    void imageToTextCountsTheBestRankedOfSeveralCaptions() {
        // One image query, four captions; its own are 0 and 1, and caption 1 scores highest.
        float[][] sim = {{0.1f, 0.9f, 0.5f, 0.3f}};
        assertThat(RetrievalMetrics.relevantPositions(sim[0], new int[] {0, 1})).containsExactly(1, 4);
        var s = RetrievalMetrics.evaluate(sim, new int[][] {{0, 1}});
        assertThat(s.recallAt1()).isEqualTo(1.0);
        assertThat(s.meanRank()).isEqualTo(1.0);
        // DCG = 1/log2(2) + 1/log2(5); ideal = 1/log2(2) + 1/log2(3).
        assertThat(s.ndcgAt10()).isCloseTo((1 + 1 / log2(5)) / (1 + 1 / log2(3)), within(EPS));

        // Own captions 0 and 3: caption 1 (0.9) and 2 (0.5) are ahead, so the best is third.
        var t = RetrievalMetrics.evaluate(sim, new int[][] {{0, 3}});
        assertThat(t.meanRank()).isEqualTo(3.0);
        assertThat(t.recallAt1()).isEqualTo(0.0);
        assertThat(t.recallAt5()).isEqualTo(1.0);
        assertThat(t.mrr()).isCloseTo(1 / 3.0, within(EPS));
    }

    @Test
    void tiesArePessimistic() {
        // All equal: the relevant candidate goes after both others.
        assertThat(RetrievalMetrics.relevantPositions(new float[] {0.5f, 0.5f, 0.5f}, new int[] {1})).containsExactly(3);
        // Tied relevant candidates take the two first places, whatever their order.
        assertThat(RetrievalMetrics.relevantPositions(new float[] {0.5f, 0.5f, 0.2f}, new int[] {0, 1})).containsExactly(1, 2);
        // A tie with an irrelevant candidate loses; a lower irrelevant one does not matter.
        assertThat(RetrievalMetrics.relevantPositions(new float[] {0.2f, 0.7f, 0.7f}, new int[] {1})).containsExactly(2);
        // NaN counts against the relevant candidate.
        assertThat(RetrievalMetrics.relevantPositions(new float[] {Float.NaN, 0.7f}, new int[] {1})).containsExactly(2);
    }

    @Test
    void medianOfAnOddCountIsTheMiddle() {
        assertThat(RetrievalMetrics.median(new int[] {9, 1, 4})).isEqualTo(4.0);
    }

    @Test
    void rejectsQueriesWithNothingRelevant() {
        assertThatThrownBy(() -> RetrievalMetrics.evaluate(new float[][] {{1}}, new int[][] {{}}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetrievalMetrics.evaluate(new float[][] {{1}}, new int[][] {{3}}))
                .hasMessageContaining("relevant index 3");
    }
}

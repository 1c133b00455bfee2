package io.openautoglm.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ZeroShotAndCompositionalMathTest {
    @Test
    void confusionCountsAndMeanPerClassRecallSkipAnAbsentClass() {
        int[] truth = {0, 0, 1, 1, 1}; // nobody is "c"
        float[][] scores = {
            {0.9f, 0.1f, 0.0f}, // a -> a
            {0.2f, 0.8f, 0.0f}, // a -> b
            {0.1f, 0.7f, 0.2f}, // b -> b
            {0.6f, 0.3f, 0.1f}, // b -> a
            {0.1f, 0.2f, 0.7f}, // b -> c
        };
        var m = ZeroShotMetrics.compute(truth, scores, List.of("a", "b", "c"), 2);
        assertThat(m.confusion()).isDeepEqualTo(new long[][] {{1, 1, 0}, {1, 1, 1}, {0, 0, 0}});
        assertThat(m.top1()).isEqualTo(0.4);
        assertThat(m.topK()).isEqualTo(3); // capped by the number of labels
        assertThat(m.topKAccuracy()).isEqualTo(1.0);
        assertThat(m.meanPerClassRecall()).isCloseTo((1 / 2.0 + 1 / 3.0) / 2, within(1e-12)); // c is left out
        assertThat(m.n()).isEqualTo(5);
        assertThat(m.toJson().get("skipped").asInt()).isEqualTo(2);
        assertThat(m.confusionCsv()).isEqualTo("true\\predicted,a,b,c\na,1,1,0\nb,1,1,1\nc,0,0,0\n");
    }

    @Test
    void topFiveMissesTheSixthAndTiesGoToTheEarlierLabel() {
        List<String> labels = List.of("l0", "l1", "l2", "l3", "l4", "l5");
        float[][] scores = {
            {0.6f, 0.5f, 0.4f, 0.3f, 0.2f, 0.1f}, // true l5 is sixth: not in the top 5
            {0.5f, 0.5f, 0.0f, 0.0f, 0.0f, 0.0f}, // tie: l0 is predicted, true l1 is second
        };
        var m = ZeroShotMetrics.compute(new int[] {5, 1}, scores, labels, 0);
        assertThat(m.topK()).isEqualTo(5);
        assertThat(m.topKAccuracy()).isEqualTo(0.5);
        assertThat(m.top1()).isEqualTo(0.0);
        assertThat(m.confusion()[1][0]).isEqualTo(1);
    }

    @Test
    void csvQuotesLabelsThatNeedIt() {
        var m = ZeroShotMetrics.compute(new int[] {0}, new float[][] {{1f}}, List.of("a,\"b\""), 0);
        assertThat(m.confusionCsv()).isEqualTo("true\\predicted,\"a,\"\"b\"\"\"\n\"a,\"\"b\"\"\",1\n");
    }

    @Test
    void compositionalCountsPairsAndRecordsAndTiesFail() {
        float[] positive = {0.5f, 0.2f, 0.3f};
        float[][] negatives = {{0.4f, 0.6f}, {0.1f}, {0.3f}}; // wins: 1 of 2, 1 of 1, 0 of 1 (tie)
        var r = CompositionalEvaluator.score(positive, negatives, 4);
        assertThat(r.n()).isEqualTo(4);
        assertThat(r.accuracy()).isEqualTo(0.5);
        assertThat(r.records()).isEqualTo(3);
        assertThat(r.allNegativesBeaten()).isCloseTo(1 / 3.0, within(1e-12));
        assertThat(r.toJson().get("skipped").asInt()).isEqualTo(4);
    }

    @Test
    void progressIsQuietAtFirstThenPrintsPlainLinesEveryFewSeconds() {
        long[] now = {0};
        var sink = new java.io.StringWriter();
        var p = new io.openautoglm.core.io.Progress(new java.io.PrintWriter(sink), "embedding images", 100, false, () -> now[0], 0);
        p.advance(10);
        assertThat(sink.toString()).isEmpty();
        now[0] = 3_000_000_000L;
        p.advance(20);
        now[0] = 4_000_000_000L;
        p.advance(10);
        assertThat(sink.toString()).isEqualTo("embedding images: 30/100 (10.0/s, ETA 0:07)\n");
        now[0] = 9_000_000_000L;
        p.advance(60);
        assertThat(sink.toString().lines()).hasSize(2).last().asString().startsWith("embedding images: 100/100");
    }
}

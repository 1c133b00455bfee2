package io.openautoglm.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.openautoglm.core.StopSignal;
import io.openautoglm.graph.data.Graph;
import io.openautoglm.graph.data.GraphNode;
import io.openautoglm.graph.data.NodeFeatures;
import io.openautoglm.graph.eval.BinaryMetrics;
import io.openautoglm.graph.io.GraphModelFiles;
import io.openautoglm.graph.nn.EdgeList;
import io.openautoglm.graph.train.NeighbourSampler;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Metrics against hand counts, the sampler's fanout, a stop between epochs, and a saved model read back. */
class TrainingDetailsTest {
    @TempDir
    Path dir;

    @Test
    void rankingMetricsMatchHandCounts() {
        float[] score = {0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f};
        boolean[] positive = {true, false, true, false, false, false};
        // Positive pairs ranked above negatives: 4 of 4 for 0.9, 3 of 4 for 0.7 -> 7/8.
        assertThat(BinaryMetrics.auroc(score, positive)).isCloseTo(7.0 / 8, within(1e-9));
        // Precision at each positive: 1/1, 2/3 -> mean 5/6.
        assertThat(BinaryMetrics.averagePrecision(score, positive)).isCloseTo(5.0 / 6, within(1e-9));
        // 1% of 4 negatives lets none through: threshold 0.8, only 0.9 is above it.
        assertThat(BinaryMetrics.recallAtFalsePositiveRate(score, positive, 0.01)).isCloseTo(0.5, within(1e-9));
        assertThat(BinaryMetrics.auroc(new float[] {1, 1}, new boolean[] {true, false})).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void samplerKeepsAtMostFanoutEdgesPerNodePerHop() {
        Graph g = SyntheticGraphs.communities(200, 2, 0.2, 0.02, 0.5f, 3);
        NeighbourSampler sampler = new NeighbourSampler(EdgeList.of(g));
        NeighbourSampler.Sample one = sampler.sample(new int[] {0, 1, 2}, new int[] {4}, new Random(1));
        assertThat(one.seedCount()).isEqualTo(3);
        assertThat(one.edges().edgeCount()).isLessThanOrEqualTo(12);
        assertThat(one.globalNodes()).startsWith(0, 1, 2);
        NeighbourSampler.Sample two = sampler.sample(new int[] {0, 1, 2}, new int[] {4, 3}, new Random(1));
        assertThat(two.edges().edgeCount()).isGreaterThan(one.edges().edgeCount()).isLessThanOrEqualTo(12 + 12 * 3);
    }

    @Test
    void aStopSignalEndsTrainingAfterTheEpochInFlightAndTheBestWeightsAreSaved() throws Exception {
        Graph g = SyntheticGraphs.communities(60, 2, 0.2, 0.02, 0.5f, 5);
        StopSignal stop = new StopSignal();
        GraphTraining.Report report = GraphTraining.run(g, "gcn", GraphTrainConfig.defaults().withEpochs(500), 1,
                dir.resolve("m"), stop, line -> {
                    if (line.startsWith("epoch 1 ")) {
                        stop.request("SIGTERM", 143); // as the signal handler would, during training
                    }
                });
        assertThat(report.stoppedBy()).isEqualTo("SIGTERM");
        assertThat(report.model().get("epochs_run")).isEqualTo(1);
        assertThat(report.baseline()).as("a stopped run does not go on to the baseline").isNull();
        try (GraphModelFiles.Loaded loaded = GraphModelFiles.load(dir.resolve("m"))) {
            assertThat(loaded.provenance().details().get("stopped_by").asText()).isEqualTo("SIGTERM");
            // The saved weights give the saved report's validation numbers.
            var metrics = GraphEvaluation.evaluate(loaded, g, GraphNode.Split.VAL);
            @SuppressWarnings("unchecked")
            var saved = (java.util.Map<String, Object>) report.model().get("val");
            assertThat(metrics.get("accuracy")).isEqualTo(saved.get("accuracy"));
            assertThat(loaded.description().features().width()).isEqualTo(NodeFeatures.fit(g).width());
        }
    }
}

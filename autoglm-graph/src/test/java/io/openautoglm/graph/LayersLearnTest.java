package io.openautoglm.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.openautoglm.core.StopSignal;
import io.openautoglm.graph.data.Graph;
import io.openautoglm.graph.data.GraphNode;
import io.openautoglm.graph.data.NodeFeatures;
import io.openautoglm.graph.nn.EdgeList;
import io.openautoglm.graph.nn.GraphModelConfig;
import io.openautoglm.graph.train.GraphTrainer;
import io.openautoglm.graph.train.TrainOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every layer kind learns planted communities far above chance (1/3), and above the features alone. */
class LayersLearnTest {
    static Graph graph;
    static float[] x;
    static NodeFeatures features;
    static double baseline;

    @BeforeAll
    static void build() {
        graph = SyntheticGraphs.communities(150, 3, 0.15, 0.006, 0.5f, 7);
        features = NodeFeatures.fit(graph);
        x = features.matrix(graph);
        baseline = testAccuracy("mlp", TrainOptions.defaults(1).withEpochs(100));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gcn", "sage", "gat", "rgcn", "directed"})
    void learnsCommunitiesFullBatch(String kind) {
        double accuracy = testAccuracy(kind, TrainOptions.defaults(1).withEpochs(100));
        assertThat(accuracy).as(kind + " test accuracy (features alone: " + baseline + ")").isGreaterThan(0.8);
        assertThat(accuracy).isGreaterThan(baseline + 0.15);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sage", "rgcn"})
    void learnsCommunitiesWithNeighbourSampling(String kind) {
        double accuracy = testAccuracy(kind, TrainOptions.defaults(1).withEpochs(40).withSampling(16, new int[] {5, 5}));
        assertThat(accuracy).as(kind + " sampled test accuracy").isGreaterThan(0.8);
    }

    static double testAccuracy(String kind, TrainOptions options) {
        GraphModelConfig config = new GraphModelConfig(kind, features.width(), 16, 3, 2, graph.relations().size(), 2, 2, 0.1f);
        EdgeList edges = EdgeList.of(graph);
        GraphTrainer trainer = new GraphTrainer(options, new StopSignal(), line -> {});
        try (var outcome = trainer.train(config, x, edges, graph.label(), graph.labelled(GraphNode.Split.TRAIN),
                graph.labelled(GraphNode.Split.VAL)).trained()) {
            float[][] p = outcome.probabilities(x, edges);
            int[] test = graph.labelled(GraphNode.Split.TEST);
            int correct = 0;
            for (int node : test) {
                correct += GraphTrainer.argmax(p[node]) == graph.label()[node] ? 1 : 0;
            }
            return (double) correct / test.length;
        }
    }
}

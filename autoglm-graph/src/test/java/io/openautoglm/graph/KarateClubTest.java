package io.openautoglm.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.openautoglm.core.StopSignal;
import io.openautoglm.graph.data.Graph;
import io.openautoglm.graph.data.GraphFiles;
import io.openautoglm.graph.data.GraphNode;
import io.openautoglm.graph.data.NodeFeatures;
import io.openautoglm.graph.karate.KarateClub;
import io.openautoglm.graph.nn.EdgeList;
import io.openautoglm.graph.nn.GraphModelConfig;
import io.openautoglm.graph.train.GraphTrainer;
import io.openautoglm.graph.train.TrainOptions;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The bundled karate club is Zachary's graph, and a GCN told only the two leaders' clubs finds the others. */
class KarateClubTest {
    @Test
    void resourceIsZacharysGraph() {
        KarateClub.Club club = KarateClub.load();
        assertThat(club.nodes()).hasSize(34);
        Set<String> distinct = new HashSet<>();
        int[] degree = new int[34];
        for (var e : club.edges()) {
            int a = Integer.parseInt(e.source());
            int b = Integer.parseInt(e.target());
            distinct.add(Math.min(a, b) + "-" + Math.max(a, b));
            degree[a]++;
            degree[b]++;
        }
        assertThat(distinct).hasSize(78);
        // The two leaders are the best-connected members (16 and 17 friends), and the split is 17 / 17.
        assertThat(degree[0]).isEqualTo(16);
        assertThat(degree[33]).isEqualTo(17);
        assertThat(java.util.Arrays.stream(club.club()).sum()).isEqualTo(17);
        assertThat(club.club()[0]).isZero();
        assertThat(club.club()[33]).isOne();
    }

    @Test
    void gcnWithOneLabelPerClubClassifiesTheOtherMembers() {
        KarateClub.Club club = KarateClub.load();
        Graph graph = GraphFiles.assemble(club.nodes(), club.edges());
        assertThat(graph.labelled(GraphNode.Split.TRAIN)).hasSize(2);
        double gcn = testAccuracy(graph, "gcn");
        double mlp = testAccuracy(graph, "mlp");
        // Chance is 0.5; with identity columns the MLP knows nothing of the 32 unlabelled members.
        assertThat(gcn).as("GCN accuracy on the 32 unlabelled members (mlp: " + mlp + ")").isGreaterThanOrEqualTo(0.8);
        assertThat(gcn).isGreaterThan(mlp + 0.2);
    }

    private static double testAccuracy(Graph graph, String kind) {
        NodeFeatures features = NodeFeatures.fit(graph);
        float[] x = features.matrix(graph);
        EdgeList edges = EdgeList.of(graph);
        GraphModelConfig config = new GraphModelConfig(kind, features.width(), 16, 2, 2, graph.relations().size(), 2, 2, 0f);
        GraphTrainer trainer = new GraphTrainer(TrainOptions.defaults(3).withEpochs(100), new StopSignal(), line -> {});
        try (var trained = trainer.train(config, x, edges, graph.label(), graph.labelled(GraphNode.Split.TRAIN),
                new int[0]).trained()) {
            float[][] p = trained.probabilities(x, edges);
            int[] test = graph.labelled(GraphNode.Split.TEST);
            int correct = 0;
            for (int node : test) {
                correct += GraphTrainer.argmax(p[node]) == graph.label()[node] ? 1 : 0;
            }
            System.out.printf("karate %s accuracy on %d members: %.4f%n", kind, test.length, (double) correct / test.length);
            return (double) correct / test.length;
        }
    }
}

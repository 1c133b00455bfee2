package io.openautoglm.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.openautoglm.core.StopSignal;
import io.openautoglm.graph.nn.EdgeList;
import io.openautoglm.graph.structure.MetricGraphLearner;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * No edges given; 4 informative feature columns carry the community, 12 loud noise columns hide it
 * from a plain cosine kNN graph. The learned metric must find neighbours of the same community
 * far above chance (1/3) and above the unweighted cosine graph.
 */
class StructureLearningTest {
    @Test
    void learnedKnnGraphRecoversPlantedCommunities() {
        int n = 180;
        int k = 3;
        int d = 16;
        Random random = new Random(4);
        float[] x = new float[n * d];
        int[] community = new int[n];
        int[] label = new int[n];
        for (int i = 0; i < n; i++) {
            community[i] = i % k;
            label[i] = community[i];
            for (int j = 0; j < d; j++) {
                double signal = j < 4 ? (j % k == community[i] ? 1.5 : 0) : 0;
                double noise = j < 4 ? 0.5 : 1.5;
                x[i * d + j] = (float) (signal + noise * random.nextGaussian());
            }
        }
        int[] train = java.util.stream.IntStream.range(0, n).filter(i -> i % 4 == 0).toArray(); // a quarter labelled
        EdgeList none = new EdgeList(n, new int[0], new int[0], new int[0], new float[0], 1);
        MetricGraphLearner.Learned learned = new MetricGraphLearner(MetricGraphLearner.Options.defaults(8, 1))
                .learn(x, none, label, train, new StopSignal());
        double learnedPrecision = sameCommunity(learned.edges(), community);

        float[] ones = new float[d];
        java.util.Arrays.fill(ones, 1f);
        MetricGraphLearner.Learned untrained = new MetricGraphLearner(
                new MetricGraphLearner.Options(8, 1, 8, 0, 0.01, 0.5f, 0, 0, 0, 0, 5, 1)).learn(x, none, label, train, new StopSignal());
        double cosinePrecision = sameCommunity(untrained.edges(), community);

        assertThat(learned.edges().edgeCount()).isEqualTo(n * 8);
        assertThat(learnedPrecision).as("learned kNN, cosine kNN: " + cosinePrecision).isGreaterThan(0.58);
        assertThat(learnedPrecision).isGreaterThan(cosinePrecision + 0.07);
    }

    static double sameCommunity(EdgeList edges, int[] community) {
        int same = 0;
        for (int e = 0; e < edges.edgeCount(); e++) {
            same += community[edges.source()[e]] == community[edges.target()[e]] ? 1 : 0;
        }
        return (double) same / edges.edgeCount();
    }
}

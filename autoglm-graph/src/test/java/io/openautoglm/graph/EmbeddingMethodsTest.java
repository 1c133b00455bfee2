package io.openautoglm.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openautoglm.core.UserInputException;
import io.openautoglm.graph.embed.Embedding;
import io.openautoglm.graph.embed.Isomap;
import io.openautoglm.graph.embed.KnnGraph;
import io.openautoglm.graph.embed.LaplacianEigenmaps;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Laplacian eigenmaps and Isomap on point sets whose answer is known. */
class EmbeddingMethodsTest {
    /** Two Gaussian blobs joined by a thin bridge of points (so the kNN graph is connected). */
    static float[][] twoClusters(int perCluster, long seed) {
        Random random = new Random(seed);
        float[][] p = new float[2 * perCluster + 6][8];
        for (int i = 0; i < 2 * perCluster; i++) {
            for (int d = 0; d < 8; d++) {
                p[i][d] = (float) (random.nextGaussian() * 0.5 + (d == 0 ? (i < perCluster ? -4 : 4) : 0));
            }
        }
        for (int b = 0; b < 6; b++) { // the bridge along the first axis
            p[2 * perCluster + b][0] = -2.5f + b;
        }
        return p;
    }

    @Test
    void eigenmapsSeparateTwoClustersOnTheFirstCoordinate() {
        int per = 80;
        float[][] points = twoClusters(per, 3);
        Embedding e = LaplacianEigenmaps.embed(KnnGraph.of(points, 8), 2, 1);
        double[] first = Arrays.stream(e.coordinates()).mapToDouble(r -> r[0]).toArray();
        double leftMax = IntStream.range(0, per).mapToDouble(i -> first[i]).max().orElseThrow();
        double leftMin = IntStream.range(0, per).mapToDouble(i -> first[i]).min().orElseThrow();
        double rightMax = IntStream.range(per, 2 * per).mapToDouble(i -> first[i]).max().orElseThrow();
        double rightMin = IntStream.range(per, 2 * per).mapToDouble(i -> first[i]).min().orElseThrow();
        // Every point of one cluster on one side of every point of the other (either side: signs are a convention).
        assertThat(leftMax < rightMin || rightMax < leftMin).as("left [%f, %f], right [%f, %f]", leftMin, leftMax, rightMin, rightMax)
                .isTrue();
        assertThat(e.eigenvalues()[0]).isBetween(0.0, e.eigenvalues()[1]);
        assertThat(e.residual()).isLessThan(1e-6);
    }

    @Test
    void isomapRecoversTheParameterOrderOfASpiral() {
        int n = 300;
        Random random = new Random(5);
        double[] t = new double[n];
        float[][] points = new float[n][3];
        for (int i = 0; i < n; i++) {
            t[i] = 1.5 * Math.PI * (1 + 2 * random.nextDouble()); // a swiss-roll curve: radius grows with t
            points[i][0] = (float) (t[i] * Math.cos(t[i]));
            points[i][1] = (float) (t[i] * Math.sin(t[i]));
            points[i][2] = (float) (0.3 * random.nextGaussian()); // a little thickness
        }
        Embedding e = Isomap.embed(KnnGraph.of(points, 8), 2, 1);
        double[] first = Arrays.stream(e.coordinates()).mapToDouble(r -> r[0]).toArray();
        double rho = Math.abs(spearman(t, first));
        assertThat(rho).isGreaterThan(0.95);
        // The straight-line MDS of the raw points (what Isomap improves on) does not unroll it.
        double rawRho = Math.abs(spearman(t, Arrays.stream(points).mapToDouble(p -> p[0]).toArray()));
        assertThat(rawRho).isLessThan(0.8);
    }

    @Test
    void disconnectedGraphsAndBadSizesAreOneLine() {
        float[][] far = new float[20][2];
        for (int i = 0; i < 20; i++) {
            far[i][0] = (i < 10 ? 0 : 1000) + i % 10;
        }
        KnnGraph split = KnnGraph.of(far, 3);
        assertThat(split.components()[0]).isNotEqualTo(split.components()[19]);
        assertThatThrownBy(() -> LaplacianEigenmaps.embed(split, 2, 1)).isInstanceOf(UserInputException.class)
                .hasMessage("the graph has 2 connected components (the largest holds 10 of 20 points): raise --neighbours, "
                        + "or embed each component on its own");
        assertThatThrownBy(() -> Isomap.embed(split, 2, 1)).isInstanceOf(UserInputException.class)
                .hasMessageContaining("2 connected components");
        assertThatThrownBy(() -> KnnGraph.of(far, 20)).isInstanceOf(UserInputException.class)
                .hasMessage("--neighbours must be between 1 and 19 (the points less one), got 20");
        assertThatThrownBy(() -> LaplacianEigenmaps.embed(KnnGraph.of(far, 15), 19, 1)).isInstanceOf(UserInputException.class)
                .hasMessage("--dims must be between 1 and 18 for 20 points, got 19");
    }

    static double spearman(double[] a, double[] b) {
        double[] ra = ranks(a);
        double[] rb = ranks(b);
        double ma = Arrays.stream(ra).average().orElse(0);
        double mb = Arrays.stream(rb).average().orElse(0);
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (ra[i] - ma) * (rb[i] - mb);
            saa += (ra[i] - ma) * (ra[i] - ma);
            sbb += (rb[i] - mb) * (rb[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }

    private static double[] ranks(double[] v) {
        Integer[] order = IntStream.range(0, v.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, (x, y) -> Double.compare(v[x], v[y]));
        double[] r = new double[v.length];
        for (int i = 0; i < order.length; i++) {
            r[order[i]] = i;
        }
        return r;
    }
}

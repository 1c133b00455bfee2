package io.openautoglm.graph.embed;

import io.openautoglm.core.UserInputException;
import java.util.stream.IntStream;
import org.jgrapht.Graph;
import org.jgrapht.alg.shortestpath.DijkstraShortestPath;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;

/**
 * Isomap (Tenenbaum, de Silva and Langford): geodesic distances as shortest paths along the kNN
 * graph's edges (Dijkstra from every point, jgrapht), then classical MDS: the Gram matrix
 * B = −½ J D² J (J centres rows and columns), whose largest eigenvectors scaled by √λ are the
 * coordinates. D² is dense, n² doubles: {@link #MAX_POINTS} points at most (200 MB).
 */
public final class Isomap {
    public static final int MAX_POINTS = 5_000;
    static final int STEPS = 200;

    private Isomap() {}

    public static Embedding embed(KnnGraph graph, int dims, long seed) {
        int n = graph.size();
        if (dims < 1 || dims > n - 1) {
            throw new UserInputException("--dims must be between 1 and " + (n - 1) + " for " + n + " points, got " + dims);
        }
        if (n > MAX_POINTS) {
            throw new UserInputException("isomap embeds at most " + MAX_POINTS + " points (its distance matrix is n² doubles), got "
                    + n + ": sample the set, or use --method laplacian");
        }
        graph.requireConnected("raise --neighbours (geodesics between components are infinite)");
        double[][] squared = geodesicsSquared(graph);
        // Double centring, in place: B = -1/2 (D² - row means - column means + grand mean).
        double[] rowMean = new double[n];
        double grand = 0;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += squared[i][j];
            }
            rowMean[i] = s / n;
            grand += s;
        }
        grand /= (double) n * n;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                squared[i][j] = -0.5 * (squared[i][j] - rowMean[i] - rowMean[j] + grand); // D² symmetric: column mean = row mean
            }
        }
        double[][] gram = squared; // (n, n)
        SymmetricEigen.Operator times = (x, y) -> IntStream.range(0, n).parallel().forEach(i -> y[i] = SymmetricEigen.dot(gram[i], x));
        SymmetricEigen.Pairs pairs = SymmetricEigen.largest(times, n, dims, Math.min(n, STEPS), new double[0][], seed);
        double residual = 0;
        double[] eigenvalues = new double[dims];
        double[][] coords = new double[dims][n];
        for (int j = 0; j < dims; j++) {
            residual = Math.max(residual, SymmetricEigen.residual(times, pairs.values()[j], pairs.vectors()[j]));
            eigenvalues[j] = pairs.values()[j];
            double scale = Math.sqrt(Math.max(0, pairs.values()[j]));
            for (int i = 0; i < n; i++) {
                coords[j][i] = pairs.vectors()[j][i] * scale;
            }
        }
        Embedding.fixSigns(coords);
        return new Embedding("isomap", Embedding.transpose(coords, n), eigenvalues, residual);
    }

    /** Squared shortest-path lengths between all pairs (n, n). */
    static double[][] geodesicsSquared(KnnGraph knn) {
        int n = knn.size();
        Graph<Integer, DefaultWeightedEdge> g = new SimpleWeightedGraph<>(DefaultWeightedEdge.class);
        for (int i = 0; i < n; i++) {
            g.addVertex(i);
        }
        for (int i = 0; i < n; i++) {
            int[] nb = knn.neighbours(i);
            for (int t = 0; t < nb.length; t++) {
                if (nb[t] > i) {
                    g.setEdgeWeight(g.addEdge(i, nb[t]), knn.lengths(i)[t]);
                }
            }
        }
        double[][] squared = new double[n][];
        // Read-only use of the graph from several threads: each Dijkstra keeps its own heap and maps.
        IntStream.range(0, n).parallel().forEach(s -> {
            var paths = new DijkstraShortestPath<>(g).getPaths(s);
            double[] row = new double[n];
            for (int t = 0; t < n; t++) {
                double d = paths.getWeight(t);
                row[t] = d * d;
            }
            squared[s] = row;
        });
        return squared;
    }
}

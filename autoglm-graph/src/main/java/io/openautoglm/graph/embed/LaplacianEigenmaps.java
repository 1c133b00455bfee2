package io.openautoglm.graph.embed;

import io.openautoglm.core.UserInputException;
import java.util.Arrays;

/**
 * Laplacian eigenmaps (Belkin and Niyogi): heat-kernel weights w_ij = exp(−(d_ij/σ)²) on the kNN
 * graph's edges (σ the median edge length), the symmetric normalised Laplacian
 * L = I − D^−1/2 W D^−1/2, and as coordinates its eigenvectors of the smallest eigenvalues after the
 * trivial one (D^1/2 1, eigenvalue 0), scaled back by D^−1/2. They come from Lanczos on I + D^−1/2 W D^−1/2
 * (spectrum in [0, 2], so L's smallest are its largest) with the trivial vector deflated: exact up to
 * a few hundred points, and for larger graphs 300 steps, whose residual the result reports.
 */
public final class LaplacianEigenmaps {
    /** Lanczos steps for graphs too large for an exact run: ~n·300 doubles of basis, 48 MB at 20k points. */
    static final int STEPS = 300;
    /** Beyond this the basis alone outgrows a default heap and the kNN graph's n² distances take minutes. */
    public static final int MAX_POINTS = 50_000;

    private LaplacianEigenmaps() {}

    public static Embedding embed(KnnGraph graph, int dims, long seed) {
        int n = graph.size();
        if (dims < 1 || dims > n - 2) {
            throw new UserInputException("--dims must be between 1 and " + (n - 2) + " for " + n + " points, got " + dims);
        }
        if (n > MAX_POINTS) {
            throw new UserInputException("laplacian embeds at most " + MAX_POINTS + " points, got " + n + ": sample the set first");
        }
        graph.requireConnected("raise --neighbours, or embed each component on its own");
        double sigma = medianLength(graph);
        double[][] weight = new double[n][];
        double[] degree = new double[n];
        for (int i = 0; i < n; i++) {
            double[] len = graph.lengths(i);
            weight[i] = new double[len.length];
            for (int t = 0; t < len.length; t++) {
                double r = len[t] / sigma;
                weight[i][t] = Math.exp(-r * r);
                degree[i] += weight[i][t];
            }
        }
        double[] rootDegree = Arrays.stream(degree).map(Math::sqrt).toArray();
        SymmetricEigen.Operator shifted = (x, y) -> { // y = (I + D^-1/2 W D^-1/2) x
            for (int i = 0; i < n; i++) {
                double s = 0;
                int[] nb = graph.neighbours(i);
                for (int t = 0; t < nb.length; t++) {
                    s += weight[i][t] * x[nb[t]] / rootDegree[nb[t]];
                }
                y[i] = x[i] + s / rootDegree[i];
            }
        };
        double[] trivial = rootDegree.clone(); // (n): L's eigenvector of eigenvalue 0
        SymmetricEigen.normalise(trivial);
        SymmetricEigen.Pairs pairs = SymmetricEigen.largest(shifted, n, dims, Math.min(n, STEPS), new double[][] {trivial}, seed);
        double residual = 0;
        double[] eigenvalues = new double[dims];
        double[][] coords = new double[dims][];
        double volume = Arrays.stream(degree).sum();
        for (int j = 0; j < dims; j++) {
            residual = Math.max(residual, SymmetricEigen.residual(shifted, pairs.values()[j], pairs.vectors()[j]));
            eigenvalues[j] = 2 - pairs.values()[j];
            coords[j] = new double[n];
            for (int i = 0; i < n; i++) {
                coords[j][i] = pairs.vectors()[j][i] * Math.sqrt(volume) / rootDegree[i]; // D^-1/2 u, of order 1
            }
        }
        Embedding.fixSigns(coords);
        return new Embedding("laplacian", Embedding.transpose(coords, n), eigenvalues, residual);
    }

    private static double medianLength(KnnGraph graph) {
        double[] all = new double[graph.edgeCount() * 2];
        int c = 0;
        for (int i = 0; i < graph.size(); i++) {
            for (double l : graph.lengths(i)) {
                all[c++] = l;
            }
        }
        Arrays.sort(all, 0, c);
        double median = c == 0 ? 1 : all[c / 2];
        return median > 0 ? median : 1;
    }
}

package io.openautoglm.graph.embed;

/**
 * Low-dimensional coordinates of n points.
 *
 * @param coordinates (n, dims): row i is point i
 * @param eigenvalues the eigenvalue behind each coordinate (eigenmaps: of the normalised Laplacian,
 *                    ascending from the first non-trivial one; Isomap: of the Gram matrix, descending)
 * @param residual    the largest ‖A v − λ v‖ over the eigenvectors used: near 0 when they converged
 */
public record Embedding(String method, double[][] coordinates, double[] eigenvalues, double residual) {
    public int dims() {
        return eigenvalues.length;
    }

    /** Each eigenvector's sign is arbitrary: fix it so its entry of largest magnitude is positive (stable output). */
    static void fixSigns(double[][] vectors) {
        for (double[] v : vectors) {
            int at = 0;
            for (int i = 1; i < v.length; i++) {
                if (Math.abs(v[i]) > Math.abs(v[at])) {
                    at = i;
                }
            }
            if (v[at] < 0) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = -v[i];
                }
            }
        }
    }

    static double[][] transpose(double[][] byDim, int n) {
        double[][] rows = new double[n][byDim.length];
        for (int j = 0; j < byDim.length; j++) {
            for (int i = 0; i < n; i++) {
                rows[i][j] = byDim[j][i];
            }
        }
        return rows;
    }
}

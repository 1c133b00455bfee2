package io.openautoglm.graph.embed;

import java.util.Arrays;
import java.util.Random;

/**
 * Eigenpairs of real symmetric matrices, written here because the module has no linear-algebra
 * library: cyclic Jacobi rotations for small dense matrices, and Lanczos with full
 * re-orthogonalisation for the largest eigenpairs of a large operator given only as a
 * matrix-vector product (the kNN graph's normalised adjacency, the Isomap Gram matrix).
 */
final class SymmetricEigen {
    private SymmetricEigen() {}

    /** y = A x for a symmetric n×n A. */
    interface Operator {
        void apply(double[] x, double[] y);
    }

    /** Eigenvalues in descending order and their unit eigenvectors (vectors[j] belongs to values[j]). */
    record Pairs(double[] values, double[][] vectors) {}

    /** All eigenpairs of the dense symmetric {@code a} (n×n; destroyed), by cyclic Jacobi sweeps. */
    static Pairs jacobi(double[][] a) {
        int n = a.length;
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            double scale = 0;
            for (int p = 0; p < n; p++) {
                scale += a[p][p] * a[p][p];
                for (int q = p + 1; q < n; q++) {
                    off += a[p][q] * a[p][q];
                }
            }
            if (off <= 1e-30 * Math.max(scale, 1e-300)) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (Math.abs(a[p][q]) < 1e-300) {
                        continue;
                    }
                    // The rotation that zeroes a[p][q] (Golub & Van Loan's symmetric Schur step).
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta == 0 ? 1 : theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double vkp = v[k][p];
                        double vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(a[y][y], a[x][x]));
        double[] values = new double[n];
        double[][] vectors = new double[n][n];
        for (int j = 0; j < n; j++) {
            values[j] = a[order[j]][order[j]];
            for (int k = 0; k < n; k++) {
                vectors[j][k] = v[k][order[j]];
            }
        }
        return new Pairs(values, vectors);
    }

    /**
     * The {@code want} largest eigenpairs of the operator restricted to the complement of the unit
     * vectors {@code deflate}, from {@code steps} Lanczos steps with full re-orthogonalisation
     * (against the basis and the deflated vectors, every step). With {@code steps} at least the
     * dimension left it is exact; with fewer, the extreme pairs converge first, the ones asked for.
     */
    static Pairs largest(Operator op, int n, int want, int steps, double[][] deflate, long seed) {
        int m = Math.min(steps, n - deflate.length);
        double[][] basis = new double[m][];
        double[] alpha = new double[m];
        double[] beta = new double[m];
        double[] q = new double[n];
        Random random = new Random(seed);
        for (int i = 0; i < n; i++) {
            q[i] = random.nextGaussian();
        }
        orthogonalise(q, deflate, deflate.length);
        normalise(q);
        double[] w = new double[n];
        int built = 0;
        for (int j = 0; j < m; j++) {
            basis[j] = q.clone();
            built = j + 1;
            op.apply(basis[j], w);
            alpha[j] = dot(w, basis[j]);
            // Twice, as Kahan advises: one Gram-Schmidt pass loses orthogonality as Ritz values converge.
            for (int pass = 0; pass < 2; pass++) {
                orthogonalise(w, deflate, deflate.length);
                orthogonalise(w, basis, built);
            }
            double norm = Math.sqrt(dot(w, w));
            if (j + 1 < m) {
                beta[j] = norm;
                if (norm < 1e-10) { // the Krylov space is invariant: its pairs are exact
                    break;
                }
                for (int i = 0; i < n; i++) {
                    q[i] = w[i] / norm;
                }
            }
        }
        double[][] t = new double[built][built];
        for (int j = 0; j < built; j++) {
            t[j][j] = alpha[j];
            if (j + 1 < built) {
                t[j][j + 1] = beta[j];
                t[j + 1][j] = beta[j];
            }
        }
        Pairs ritz = jacobi(t);
        int k = Math.min(want, built);
        double[] values = Arrays.copyOf(ritz.values(), k);
        double[][] vectors = new double[k][n];
        for (int r = 0; r < k; r++) {
            for (int j = 0; j < built; j++) {
                double s = ritz.vectors()[r][j];
                double[] b = basis[j];
                for (int i = 0; i < n; i++) {
                    vectors[r][i] += s * b[i];
                }
            }
            normalise(vectors[r]);
        }
        return new Pairs(values, vectors);
    }

    /** ‖A v − λ v‖ for a unit v: how far a Ritz pair is from an eigenpair. */
    static double residual(Operator op, double value, double[] vector) {
        double[] av = new double[vector.length];
        op.apply(vector, av);
        double s = 0;
        for (int i = 0; i < av.length; i++) {
            double r = av[i] - value * vector[i];
            s += r * r;
        }
        return Math.sqrt(s);
    }

    private static void orthogonalise(double[] w, double[][] against, int count) {
        for (int j = 0; j < count; j++) {
            double c = dot(w, against[j]);
            double[] b = against[j];
            for (int i = 0; i < w.length; i++) {
                w[i] -= c * b[i];
            }
        }
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static void normalise(double[] v) {
        double norm = Math.sqrt(dot(v, v));
        if (norm > 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] /= norm;
            }
        }
    }
}

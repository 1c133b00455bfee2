package io.openautoglm.eval.metrics;

/**
 * The mean as NumPy's {@code np.mean} computes it for a 1-D float64 array: a pairwise sum (blocks
 * of up to 128 added with eight running partial sums, halves above that) divided by the count.
 * The COCO toolkit averages per-image ROUGE-L and CIDEr-D with it; summing the same way keeps our
 * figures equal to its bit for bit rather than to the last digit or two.
 */
final class NumpyMean {
    private static final int BLOCK = 128;

    private NumpyMean() {}

    static double mean(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        return pairwiseSum(values, 0, values.length) / values.length;
    }

    static double pairwiseSum(double[] a, int from, int n) {
        if (n < 8) {
            double sum = 0.0;
            for (int i = 0; i < n; i++) {
                sum += a[from + i];
            }
            return sum;
        }
        if (n <= BLOCK) {
            double[] r = new double[8];
            System.arraycopy(a, from, r, 0, 8);
            int i = 8;
            for (; i < n - (n % 8); i += 8) {
                for (int j = 0; j < 8; j++) {
                    r[j] += a[from + i + j];
                }
            }
            double sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) {
                sum += a[from + i];
            }
            return sum;
        }
        int half = n / 2;
        half -= half % 8;
        return pairwiseSum(a, from, half) + pairwiseSum(a, from + half, n - half);
    }
}

package io.openautoglm.defects;

import java.util.Arrays;

/**
 * Threshold-free metrics of anomaly scores against binary labels (true = defect): ROC AUC with
 * ties counted half (the Mann-Whitney statistic, as scikit-learn's {@code roc_auc_score}) and
 * average precision as the step-wise area under the precision-recall curve (scikit-learn's
 * {@code average_precision_score}, which does not interpolate).
 */
public final class RankMetrics {
    private RankMetrics() {}

    /** NaN when one class is missing. */
    public static double auroc(double[] scores, boolean[] positive) {
        int pos = 0;
        for (boolean p : positive) {
            if (p) {
                pos++;
            }
        }
        double[] a = new double[pos]; // positives' scores
        double[] b = new double[scores.length - pos]; // negatives' scores
        for (int i = 0, ia = 0, ib = 0; i < scores.length; i++) {
            if (positive[i]) {
                a[ia++] = scores[i];
            } else {
                b[ib++] = scores[i];
            }
        }
        if (a.length == 0 || b.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(a);
        Arrays.sort(b);
        // For each positive: negatives below it count 1, negatives equal to it 1/2.
        double wins = 0;
        int below = 0;
        int upTo = 0;
        for (double v : a) {
            while (below < b.length && b[below] < v) {
                below++;
            }
            upTo = Math.max(upTo, below);
            while (upTo < b.length && b[upTo] == v) {
                upTo++;
            }
            wins += below + (upTo - below) / 2.0;
        }
        return wins / ((double) a.length * b.length);
    }

    /** NaN without positives. */
    public static double averagePrecision(double[] scores, boolean[] positive) {
        int n = scores.length;
        Integer[] order = order(scores);
        long pos = 0;
        for (boolean p : positive) {
            if (p) {
                pos++;
            }
        }
        if (pos == 0) {
            return Double.NaN;
        }
        double ap = 0;
        double lastRecall = 0;
        long tp = 0;
        long seen = 0;
        int i = n - 1; // descending
        while (i >= 0) {
            int j = i;
            while (j - 1 >= 0 && scores[order[j - 1]] == scores[order[i]]) {
                j--;
            }
            for (int k = j; k <= i; k++) {
                seen++;
                if (positive[order[k]]) {
                    tp++;
                }
            }
            double recall = tp / (double) pos;
            double precision = tp / (double) seen;
            ap += (recall - lastRecall) * precision;
            lastRecall = recall;
            i = j - 1;
        }
        return ap;
    }

    /** ROC AUC of float scores against a boolean mask, for pixel-level figures (many ties, millions of values). */
    public static double auroc(float[] scores, boolean[] positive) {
        double[] d = new double[scores.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = scores[i];
        }
        return auroc(d, positive);
    }

    private static Integer[] order(double[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        return order;
    }
}

package io.openautoglm.graph.eval;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Ranking metrics of a positive-class score: AUROC (ties count half, the Mann-Whitney form),
 * average precision (precision summed at each positive, scikit-learn's step form) and recall at a
 * false-positive rate (the threshold is the score above which at most that share of negatives lie).
 */
public final class BinaryMetrics {
    private BinaryMetrics() {}

    public static double auroc(float[] score, boolean[] positive) {
        Integer[] order = sortedAscending(score);
        double rankSumPositive = 0;
        long positives = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && score[order[j + 1]] == score[order[i]]) {
                j++;
            }
            double averageRank = (i + j) / 2.0 + 1; // ranks are 1-based; ties share their mean rank
            for (int k = i; k <= j; k++) {
                if (positive[order[k]]) {
                    rankSumPositive += averageRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = order.length - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (rankSumPositive - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    public static double averagePrecision(float[] score, boolean[] positive) {
        Integer[] order = sortedAscending(score);
        long totalPositive = 0;
        for (boolean p : positive) {
            totalPositive += p ? 1 : 0;
        }
        if (totalPositive == 0) {
            return Double.NaN;
        }
        double ap = 0;
        long truePositive = 0;
        long seen = 0;
        int i = order.length - 1;
        while (i >= 0) { // from the highest score down; a tie block is one threshold
            int j = i;
            while (j - 1 >= 0 && score[order[j - 1]] == score[order[i]]) {
                j--;
            }
            long blockPositive = 0;
            for (int k = j; k <= i; k++) {
                blockPositive += positive[order[k]] ? 1 : 0;
            }
            seen += i - j + 1;
            truePositive += blockPositive;
            ap += (double) blockPositive / totalPositive * ((double) truePositive / seen);
            i = j - 1;
        }
        return ap;
    }

    /** Share of positives scored strictly above the threshold that lets at most {@code fpr} of negatives through. */
    public static double recallAtFalsePositiveRate(float[] score, boolean[] positive, double fpr) {
        float[] negatives = new float[score.length];
        int n = 0;
        long positives = 0;
        for (int i = 0; i < score.length; i++) {
            if (positive[i]) {
                positives++;
            } else {
                negatives[n++] = score[i];
            }
        }
        if (positives == 0 || n == 0) {
            return Double.NaN;
        }
        float[] sorted = Arrays.copyOf(negatives, n);
        Arrays.sort(sorted);
        int allowed = (int) Math.floor(fpr * n); // negatives that may score above the threshold
        float threshold = sorted[n - 1 - allowed];
        long caught = 0;
        for (int i = 0; i < score.length; i++) {
            if (positive[i] && score[i] > threshold) {
                caught++;
            }
        }
        return (double) caught / positives;
    }

    private static Integer[] sortedAscending(float[] score) {
        Integer[] order = new Integer[score.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble(i -> score[i]));
        return order;
    }
}

package io.openautoglm.defects;

import java.util.List;

/**
 * A small trained head over frozen features: multinomial logistic regression from (the picture's
 * embedding, the feature of its most anomalous patch) to good or one of the labelled defect types,
 * trained by full-batch gradient descent with L2 weight decay and class-balanced weights (labelled
 * defects are few). Its anomaly score is 1 - P(good); its most likely defect class names the type.
 */
public final class DefectHead {
    private final List<String> classes; // classes.get(0) is "good"
    private final float[][] weight; // (C, F)
    private final float[] bias; // (C)

    public DefectHead(List<String> classes, float[][] weight, float[] bias) {
        this.classes = List.copyOf(classes);
        this.weight = weight;
        this.bias = bias;
    }

    public List<String> classes() {
        return classes;
    }

    public float[][] weight() {
        return weight;
    }

    public float[] bias() {
        return bias;
    }

    /** Features of one picture: its embedding (P) then its worst patch's feature (D). */
    public static float[] features(float[] embedding, float[] worstPatch) {
        float[] f = new float[embedding.length + worstPatch.length];
        System.arraycopy(embedding, 0, f, 0, embedding.length);
        System.arraycopy(worstPatch, 0, f, embedding.length, worstPatch.length);
        return f;
    }

    /** Class probabilities (C). */
    public double[] probabilities(float[] x) {
        double[] logits = new double[classes.size()];
        for (int c = 0; c < logits.length; c++) {
            double s = bias[c];
            for (int j = 0; j < x.length; j++) {
                s += weight[c][j] * x[j];
            }
            logits[c] = s;
        }
        return softmax(logits);
    }

    /** 1 - P(good). */
    public double anomalyScore(float[] x) {
        return 1 - probabilities(x)[0];
    }

    /** The most likely defect class (never "good"). */
    public String defectType(float[] x) {
        double[] p = probabilities(x);
        int best = 1;
        for (int c = 2; c < p.length; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return classes.get(best);
    }

    /**
     * Trains on {@code x} (N, F) with labels indexing {@code classes} (0 = good).
     *
     * @param decay L2 weight decay
     */
    public static DefectHead train(List<String> classes, float[][] x, int[] labels, int steps, double learningRate, double decay) {
        int c = classes.size();
        int f = x[0].length;
        int n = x.length;
        double[] perClass = new double[c];
        for (int y : labels) {
            perClass[y]++;
        }
        double[] classWeight = new double[c]; // balanced: each class weighs as much in total
        for (int k = 0; k < c; k++) {
            classWeight[k] = perClass[k] == 0 ? 0 : n / (c * perClass[k]);
        }
        double[][] w = new double[c][f];
        double[] b = new double[c];
        double[][] gw = new double[c][f];
        double[] gb = new double[c];
        double norm = 0;
        for (int i = 0; i < n; i++) {
            norm += classWeight[labels[i]];
        }
        for (int step = 0; step < steps; step++) {
            for (double[] row : gw) {
                java.util.Arrays.fill(row, 0);
            }
            java.util.Arrays.fill(gb, 0);
            for (int i = 0; i < n; i++) {
                double[] logits = new double[c];
                for (int k = 0; k < c; k++) {
                    double s = b[k];
                    for (int j = 0; j < f; j++) {
                        s += w[k][j] * x[i][j];
                    }
                    logits[k] = s;
                }
                double[] p = softmax(logits);
                double cw = classWeight[labels[i]] / norm;
                for (int k = 0; k < c; k++) {
                    double g = (p[k] - (k == labels[i] ? 1 : 0)) * cw; // d(cross-entropy)/d(logit)
                    gb[k] += g;
                    for (int j = 0; j < f; j++) {
                        gw[k][j] += g * x[i][j];
                    }
                }
            }
            for (int k = 0; k < c; k++) {
                b[k] -= learningRate * gb[k];
                for (int j = 0; j < f; j++) {
                    w[k][j] -= learningRate * (gw[k][j] + decay * w[k][j]);
                }
            }
        }
        float[][] wf = new float[c][f];
        float[] bf = new float[c];
        for (int k = 0; k < c; k++) {
            bf[k] = (float) b[k];
            for (int j = 0; j < f; j++) {
                wf[k][j] = (float) w[k][j];
            }
        }
        return new DefectHead(classes, wf, bf);
    }

    private static double[] softmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        double[] p = new double[logits.length];
        for (int k = 0; k < p.length; k++) {
            p[k] = Math.exp(logits[k] - max);
            sum += p[k];
        }
        for (int k = 0; k < p.length; k++) {
            p[k] /= sum;
        }
        return p;
    }
}

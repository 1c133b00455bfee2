package io.openautoglm.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Zero-shot classification metrics from per-sample class scores.
 *
 * <p>The predicted class is the highest-scoring one, ties going to the earlier label (a choice
 * has to be made; the order is the label list's). Top-k asks whether the true class is among the
 * first k of that same order, with k capped at the number of labels. Mean per-class recall
 * averages recall over the classes that have at least one sample: a label nobody carries has no
 * recall to measure, so it neither counts as 0 nor as 1.
 *
 * @param labels    class names, the rows and columns of the confusion matrix
 * @param confusion counts, rows the true class, columns the predicted class
 * @param topK      the k that {@code topKAccuracy} used: min(5, number of labels)
 * @param skipped   records left out because they had no label (reported, not hidden)
 */
public record ZeroShotMetrics(double top1, double topKAccuracy, int topK, double meanPerClassRecall, int n,
                              List<String> labels, long[][] confusion, int skipped) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param truth  (N) the true class index of each sample
     * @param scores (N, L) a score per sample and label, higher meaning more likely
     */
    public static ZeroShotMetrics compute(int[] truth, float[][] scores, List<String> labels, int skipped) {
        if (truth.length != scores.length) {
            throw new IllegalArgumentException(truth.length + " true labels but " + scores.length + " score rows");
        }
        if (truth.length == 0) {
            throw new IllegalArgumentException("no samples to evaluate");
        }
        int l = labels.size();
        int k = Math.min(5, l);
        long[][] confusion = new long[l][l];
        int correct = 0;
        int inTopK = 0;
        for (int i = 0; i < truth.length; i++) {
            float[] s = scores[i];
            int t = truth[i];
            int predicted = 0;
            for (int c = 1; c < l; c++) {
                if (s[c] > s[predicted]) {
                    predicted = c;
                }
            }
            confusion[t][predicted]++;
            correct += predicted == t ? 1 : 0;
            int above = 0; // labels ahead of the true one in the order described above
            for (int c = 0; c < l; c++) {
                if (s[c] > s[t] || (s[c] == s[t] && c < t)) {
                    above++;
                }
            }
            inTopK += above < k ? 1 : 0;
        }
        double recallSum = 0;
        int present = 0;
        for (int c = 0; c < l; c++) {
            long total = 0;
            for (long v : confusion[c]) {
                total += v;
            }
            if (total > 0) {
                recallSum += (double) confusion[c][c] / total;
                present++;
            }
        }
        int n = truth.length;
        return new ZeroShotMetrics((double) correct / n, (double) inTopK / n, k, recallSum / present, n,
                List.copyOf(labels), confusion, skipped);
    }

    /** {@code top1}, {@code top5}, {@code mean_per_class_recall}, {@code n}, plus what explains them. */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("top1", top1);
        o.put("top5", topKAccuracy);
        o.put("mean_per_class_recall", meanPerClassRecall);
        o.put("n", n);
        o.put("top5_k", topK);
        o.put("labels", labels.size());
        o.put("skipped", skipped);
        return o;
    }

    /** The confusion matrix as CSV: a header row of predicted labels, each row led by its true label. */
    public String confusionCsv() {
        StringBuilder sb = new StringBuilder("true\\predicted");
        for (String label : labels) {
            sb.append(',').append(csv(label));
        }
        sb.append('\n');
        for (int t = 0; t < labels.size(); t++) {
            sb.append(csv(labels.get(t)));
            for (long v : confusion[t]) {
                sb.append(',').append(v);
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** RFC 4180 quoting, only where a label needs it. */
    private static String csv(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}

package io.openautoglm.graph;

import io.openautoglm.core.UserInputException;
import io.openautoglm.graph.data.Graph;
import io.openautoglm.graph.data.GraphNode;
import io.openautoglm.graph.data.NodeFeatures;
import io.openautoglm.graph.eval.BinaryMetrics;
import io.openautoglm.graph.io.GraphModelFiles;
import io.openautoglm.graph.nn.EdgeList;
import io.openautoglm.graph.train.GraphTrainer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores of a trained graph model on the labelled nodes of one split: accuracy always; for two
 * classes also AUROC, average precision and recall at 1% false positives of the positive class
 * ("1", "fraud", "true" or "positive" when one is a label, else the second label in sorted order).
 */
public final class GraphEvaluation {
    private static final List<String> POSITIVE_NAMES = List.of("1", "fraud", "true", "positive", "yes");

    private GraphEvaluation() {}

    /** The positive class of a two-label model. */
    public static int positiveClass(List<String> labels) {
        for (String name : POSITIVE_NAMES) {
            int i = labels.indexOf(name);
            if (i >= 0) {
                return i;
            }
        }
        return 1;
    }

    /** Each node's label as the model numbers its labels (-1 unlabelled); a label it never saw is an error. */
    public static int[] modelLabels(Graph graph, List<String> modelLabels) {
        int[] out = new int[graph.nodeCount()];
        for (int i = 0; i < out.length; i++) {
            int l = graph.label()[i];
            if (l < 0) {
                out[i] = -1;
                continue;
            }
            String name = graph.labels().get(l);
            out[i] = modelLabels.indexOf(name);
            if (out[i] < 0) {
                throw new UserInputException("node '" + graph.nodeIds().get(i) + "' has label '" + name
                        + "', which the model never saw (its labels: " + modelLabels + ")");
            }
        }
        return out;
    }

    /** Evaluates a saved model on {@code split} of {@code graph}. */
    public static Map<String, Object> evaluate(GraphModelFiles.Loaded loaded, Graph graph, GraphNode.Split split) {
        GraphModelFiles.Description d = loaded.description();
        NodeFeatures features = d.features();
        float[] x = features.matrix(graph);
        EdgeList edges = loaded.edges(graph);
        int[] label = modelLabels(graph, d.labels());
        int[] nodes = java.util.stream.IntStream.range(0, graph.nodeCount())
                .filter(i -> graph.split()[i] == split && label[i] >= 0).toArray();
        if (nodes.length == 0) {
            throw new UserInputException("no labelled node has split '" + split.fileName() + "': nothing to evaluate");
        }
        float[][] p = loaded.trained().probabilities(x, edges);
        return metrics(p, label, nodes, d.labels());
    }

    public static Map<String, Object> metrics(float[][] probabilities, int[] label, int[] nodes, List<String> labels) {
        Map<String, Object> out = new LinkedHashMap<>();
        int correct = 0;
        for (int node : nodes) {
            correct += GraphTrainer.argmax(probabilities[node]) == label[node] ? 1 : 0;
        }
        out.put("accuracy", (double) correct / nodes.length);
        if (labels.size() == 2) {
            int positive = positiveClass(labels);
            float[] score = new float[nodes.length];
            boolean[] isPositive = new boolean[nodes.length];
            int positives = 0;
            for (int i = 0; i < nodes.length; i++) {
                score[i] = probabilities[nodes[i]][positive];
                isPositive[i] = label[nodes[i]] == positive;
                positives += isPositive[i] ? 1 : 0;
            }
            out.put("auroc", finite(BinaryMetrics.auroc(score, isPositive)));
            out.put("average_precision", finite(BinaryMetrics.averagePrecision(score, isPositive)));
            out.put("recall_at_1pct_fpr", finite(BinaryMetrics.recallAtFalsePositiveRate(score, isPositive, 0.01)));
            out.put("positives", positives);
        }
        out.put("n", nodes.length);
        return out;
    }

    private static Object finite(double v) {
        return Double.isNaN(v) ? null : v;
    }
}

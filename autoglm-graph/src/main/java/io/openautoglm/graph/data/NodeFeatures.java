package io.openautoglm.graph.data;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.openautoglm.core.UserInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a graph's nodes into the input matrix of a GNN and remembers how, so evaluation and
 * prediction on another file build the same columns: node-type one-hot, the node's own features
 * (zeros where a node has none), a has-features flag, log in- and out-degree, each column
 * standardised with the training graph's mean and deviation. A graph where no node has features
 * gets identity features (one column per node) when it is small, as the karate club does.
 */
public record NodeFeatures(@JsonProperty("mode") String mode, @JsonProperty("node_types") List<String> nodeTypes,
        @JsonProperty("feature_width") int featureWidth, @JsonProperty("node_count") int nodeCount,
        @JsonProperty("mean") float[] mean, @JsonProperty("std") float[] std) {
    /** Above this many nodes a graph without features gets type and degree columns instead of identity ones. */
    public static final int IDENTITY_LIMIT = 5000;

    /** The input width a model built on these features takes. */
    public int width() {
        return mean.length;
    }

    /**
     * Fills in features for nodes that have a picture or a text but no features, with {@code encoder}
     * (mean of the picture's and the text's embedding when a node has both). Pictures are relative to
     * {@code baseDir}. Returns the graph unchanged when no node needs it.
     */
    public static Graph embedMissing(Graph graph, NodeEncoder encoder, Path baseDir) {
        List<Integer> pictured = new ArrayList<>();
        List<Integer> texted = new ArrayList<>();
        for (int i = 0; i < graph.nodeCount(); i++) {
            GraphNode node = graph.nodes().get(i);
            if (node.features() == null && node.image() != null) {
                pictured.add(i);
            }
            if (node.features() == null && node.text() != null) {
                texted.add(i);
            }
        }
        if (pictured.isEmpty() && texted.isEmpty()) {
            return graph;
        }
        if (encoder == null) {
            throw new UserInputException("node '" + graph.nodeIds().get(pictured.isEmpty() ? texted.get(0) : pictured.get(0))
                    + "' has an image or a text but no features: pass --model DIR to embed them");
        }
        float[][] features = graph.features().clone();
        float[][] images = encoder.embedImageFiles(pictured.stream().map(i -> baseDir.resolve(graph.nodes().get(i).image())).toList());
        float[][] texts = encoder.embedTexts(texted.stream().map(i -> graph.nodes().get(i).text()).toList());
        for (int k = 0; k < pictured.size(); k++) {
            features[pictured.get(k)] = images[k];
        }
        for (int k = 0; k < texted.size(); k++) {
            int i = texted.get(k);
            float[] t = texts[k];
            if (features[i] == null) {
                features[i] = t;
            } else {
                float[] both = new float[t.length];
                for (int d = 0; d < t.length; d++) {
                    both[d] = 0.5f * (features[i][d] + t[d]);
                }
                features[i] = both;
            }
        }
        int width = -1;
        for (int i = 0; i < features.length; i++) {
            if (features[i] != null) {
                if (width >= 0 && features[i].length != width) {
                    throw new UserInputException("node '" + graph.nodeIds().get(i) + "' has " + features[i].length
                            + " features but others have " + width + ": the file's features and --model's embeddings ("
                            + images.length + texts.length + " embedded nodes) must have the same width");
                }
                width = features[i].length;
            }
        }
        List<GraphNode> nodes = new ArrayList<>(graph.nodes());
        for (int i = 0; i < nodes.size(); i++) {
            GraphNode n = nodes.get(i);
            nodes.set(i, new GraphNode(n.id(), n.type(), features[i], n.image(), n.text(), n.label(), n.split()));
        }
        return new Graph(graph.nodeIds(), graph.nodeTypes(), graph.types(), features, graph.labels(), graph.label(),
                graph.split(), graph.relations(), graph.source(), graph.target(), graph.relation(), graph.weight(),
                graph.indexById(), nodes);
    }

    /** Chooses the columns for this (training) graph and their standardisation. */
    public static NodeFeatures fit(Graph graph) {
        int width = graph.featureWidth();
        boolean identity = width == 0 && graph.nodeTypes().size() == 1 && graph.nodeCount() <= IDENTITY_LIMIT;
        String mode = identity ? "identity" : "columns";
        NodeFeatures unscaled = new NodeFeatures(mode, graph.nodeTypes(), width, graph.nodeCount(), null, null);
        float[][] raw = unscaled.rawColumns(graph);
        int d = raw[0].length;
        float[] mean = new float[d];
        float[] std = new float[d];
        if (identity) {
            java.util.Arrays.fill(std, 1f);
            return new NodeFeatures(mode, graph.nodeTypes(), width, graph.nodeCount(), mean, std);
        }
        for (float[] row : raw) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j] / raw.length;
            }
        }
        for (float[] row : raw) {
            for (int j = 0; j < d; j++) {
                std[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / raw.length;
            }
        }
        for (int j = 0; j < d; j++) {
            std[j] = std[j] < 1e-12f ? 1f : (float) Math.sqrt(std[j]);
        }
        return new NodeFeatures(mode, graph.nodeTypes(), width, graph.nodeCount(), mean, std);
    }

    /** The standardised input matrix of {@code graph}, (N, width()) row-major. */
    public float[] matrix(Graph graph) {
        if (graph.featureWidth() != 0 && graph.featureWidth() != featureWidth) {
            throw new UserInputException("the nodes have " + graph.featureWidth() + " features but the model was trained on "
                    + featureWidth);
        }
        if (mode.equals("identity") && graph.nodeCount() != nodeCount) {
            throw new UserInputException("this model learned one input per node of a " + nodeCount
                    + "-node graph (identity features); it cannot read a graph of " + graph.nodeCount() + " nodes");
        }
        float[][] raw = rawColumns(graph);
        int d = width();
        float[] out = new float[raw.length * d];
        for (int i = 0; i < raw.length; i++) {
            for (int j = 0; j < d; j++) {
                out[i * d + j] = (raw[i][j] - mean[j]) / std[j];
            }
        }
        return out;
    }

    private float[][] rawColumns(Graph graph) {
        int n = graph.nodeCount();
        if (mode.equals("identity")) {
            float[][] eye = new float[n][n];
            for (int i = 0; i < n; i++) {
                eye[i][i] = 1f;
            }
            return eye;
        }
        int types = nodeTypes.size() > 1 ? nodeTypes.size() : 0;
        int d = types + featureWidth + (featureWidth > 0 ? 1 : 0) + 2;
        float[] inDegree = new float[n];
        float[] outDegree = new float[n];
        for (int e = 0; e < graph.edgeCount(); e++) {
            outDegree[graph.source()[e]]++;
            inDegree[graph.target()[e]]++;
        }
        float[][] out = new float[n][d];
        for (int i = 0; i < n; i++) {
            int c = 0;
            if (types > 0) {
                int t = nodeTypes.indexOf(graph.nodeTypes().get(graph.types()[i]));
                if (t >= 0) {
                    out[i][t] = 1f; // a type the training graph never had gets no type column
                }
                c = types;
            }
            float[] own = graph.features()[i];
            if (featureWidth > 0) {
                if (own != null) {
                    System.arraycopy(own, 0, out[i], c, featureWidth);
                    out[i][c + featureWidth] = 1f;
                }
                c += featureWidth + 1;
            }
            out[i][c] = (float) Math.log1p(inDegree[i]);
            out[i][c + 1] = (float) Math.log1p(outDegree[i]);
        }
        return out;
    }
}

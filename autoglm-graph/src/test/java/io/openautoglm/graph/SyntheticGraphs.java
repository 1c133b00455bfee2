package io.openautoglm.graph;

import io.openautoglm.graph.data.Graph;
import io.openautoglm.graph.data.GraphEdge;
import io.openautoglm.graph.data.GraphFiles;
import io.openautoglm.graph.data.GraphNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small planted-partition graphs whose labels the edges reveal far better than the features do. */
final class SyntheticGraphs {
    private SyntheticGraphs() {}

    /**
     * {@code n} nodes in {@code k} communities (the label), an edge inside a community with
     * probability {@code pIn}, across with {@code pOut}; features are noise with a faint community shift.
     */
    static Graph communities(int n, int k, double pIn, double pOut, float shift, long seed) {
        Random random = new Random(seed);
        List<GraphNode> nodes = new ArrayList<>();
        int[] community = new int[n];
        for (int i = 0; i < n; i++) {
            community[i] = i % k;
            float[] f = new float[8];
            for (int d = 0; d < f.length; d++) {
                f[d] = (float) random.nextGaussian() + (d % k == community[i] ? shift : 0f);
            }
            double u = random.nextDouble();
            GraphNode.Split split = u < 0.3 ? GraphNode.Split.TRAIN : u < 0.5 ? GraphNode.Split.VAL : GraphNode.Split.TEST;
            nodes.add(new GraphNode("n" + i, "node", f, null, null, "c" + community[i], split));
        }
        List<GraphEdge> edges = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (random.nextDouble() < (community[i] == community[j] ? pIn : pOut)) {
                    // Direction at random: the undirected layers must not depend on it.
                    boolean forward = random.nextBoolean();
                    edges.add(new GraphEdge("n" + (forward ? i : j), "n" + (forward ? j : i),
                            random.nextBoolean() ? "a" : "b", 1f, null));
                }
            }
        }
        return GraphFiles.assemble(nodes, edges);
    }
}

package io.openautoglm.graph.data;

import java.util.List;
import java.util.Map;

/**
 * A validated graph with nodes numbered 0..n-1 in file order and edges as COO arrays.
 *
 * @param nodeIds      the file's ids, by node number
 * @param nodeTypes    type names, by type number ({@code types[i]} indexes it)
 * @param types        each node's type number
 * @param features     each node's own features, or null where the node has none (all rows equally wide)
 * @param labels       label names, by label number
 * @param label        each node's label number, -1 when unlabelled
 * @param split        each node's split, null when none
 * @param relations    relation names, by relation number
 * @param source       each edge's source node
 * @param target       each edge's target node
 * @param relation     each edge's relation number
 * @param weight       each edge's weight (1 when the file gives none)
 */
public record Graph(List<String> nodeIds, List<String> nodeTypes, int[] types, float[][] features, List<String> labels,
        int[] label, GraphNode.Split[] split, List<String> relations, int[] source, int[] target, int[] relation,
        float[] weight, Map<String, Integer> indexById, List<GraphNode> nodes) {

    public int nodeCount() {
        return nodeIds.size();
    }

    public int edgeCount() {
        return source.length;
    }

    /** Width of the nodes' own features (0 when no node has any). */
    public int featureWidth() {
        for (float[] f : features) {
            if (f != null) {
                return f.length;
            }
        }
        return 0;
    }

    /** Node numbers whose split is {@code s} and that carry a label. */
    public int[] labelled(GraphNode.Split s) {
        return java.util.stream.IntStream.range(0, nodeCount()).filter(i -> split[i] == s && label[i] >= 0).toArray();
    }
}
